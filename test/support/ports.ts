// Free ports for the servers the tests and checks start: the product, Redis, PostgreSQL, containers.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/** A TCP port the kernel has just given out as free on 127.0.0.1. */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether `port` is free for both UDP and TCP on all addresses. */
async function portIsFree(port: number): Promise<boolean> {
  const tcp = await new Promise<boolean>((resolve) => {
    const s = createServer().once('error', () => resolve(false));
    s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
  if (!tcp) return false;
  return new Promise<boolean>((resolve) => {
    const s = createSocket('udp4').once('error', () => resolve(false));
    s.bind(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
}

/** `count` consecutive ports free for UDP and TCP, for the WebRTC servers. */
export async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 20000 + Math.floor(Math.random() * 9000);
    let ok = true;
    for (let p = first; p < first + count && ok; p++) ok = await portIsFree(p);
    if (ok) return first;
  }
  throw new Error('no free port run found');
}
