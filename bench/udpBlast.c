/*
 * Raw UDP send rate of one core: send 1200-byte datagrams to 127.0.0.1:<port> with sendto() for
 * <seconds>, one packet per call as mediasoup's worker does, and print packets sent and the CPU
 * seconds this process used. Built and run by bench/fanout.ts.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <port> <seconds>\n", argv[0]);
    return 2;
  }
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = {0};
  to.sin_family = AF_INET;
  to.sin_port = htons((unsigned short)atoi(argv[1]));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  char packet[1200];
  memset(packet, 0x5a, sizeof packet);
  double seconds = atof(argv[2]);
  double end = now() + seconds;
  unsigned long sent = 0, failed = 0;
  while (now() < end) {
    for (int i = 0; i < 256; i++) {
      if (sendto(fd, packet, sizeof packet, 0, (struct sockaddr *)&to, sizeof to) == (ssize_t)sizeof packet) sent++;
      else failed++;
    }
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  printf("{\"sent\": %lu, \"failed\": %lu, \"cpuSeconds\": %.6f}\n", sent, failed, cpu);
  return 0;
}
