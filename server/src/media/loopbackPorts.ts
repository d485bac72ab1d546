import { createSocket } from 'node:dgram';

/** Whether a UDP port on loopback is free now. */
export function udpPortIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/** An even UDP port on loopback whose odd neighbour is free too, for ffmpeg's RTP and RTCP; none of `taken`. */
export async function freeRtpPort(taken: readonly number[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const socket = createSocket('udp4');
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        const { port } = socket.address();
        socket.close(() => resolve(port));
      });
    });
    const even = port & ~1;
    if (even >= 1024 && even < 65534 && !taken.includes(even) && (await udpPortIsFree(even)) && (await udpPortIsFree(even + 1))) return even;
  }
  throw new Error('no free UDP port pair on loopback');
}

/**
 * Waits until ffmpeg has opened each of `ports` (they are no longer free). Throws after `timeoutMs`,
 * or when `exited()` gives ffmpeg's last words because it ended first.
 */
export async function waitUntilTaken(ports: readonly number[], timeoutMs: number, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    while (await udpPortIsFree(port)) {
      const lastWords = exited();
      if (lastWords !== undefined) throw new Error(`ffmpeg exited before it opened port ${port}: ${lastWords.trim() || 'no message'}`);
      if (Date.now() > deadline) throw new Error(`ffmpeg did not open port ${port} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
