// How the recorder and the HLS packager learn that their ffmpeg listens: the port it was given is
// taken; an ffmpeg that ended first, or never bound, gives an error that says which.
import { createSocket } from 'node:dgram';
import { expect, it } from 'vitest';
import { freeRtpPort, waitUntilTaken } from '../server/src/media/loopbackPorts';

it('returns once the port is bound, and says why when it is not', async () => {
  const port = await freeRtpPort([]);
  await expect(waitUntilTaken([port], 200, () => 'Could not bind: Address already in use\n')).rejects.toThrow(
    `ffmpeg exited before it opened port ${port}: Could not bind: Address already in use`,
  );
  await expect(waitUntilTaken([port], 200, () => undefined)).rejects.toThrow(`ffmpeg did not open port ${port} within 200 ms`);

  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
  try {
    await expect(waitUntilTaken([port], 200, () => undefined)).resolves.toBeUndefined();
  } finally {
    socket.close();
  }
});
