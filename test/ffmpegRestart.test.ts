// A real ffmpeg that cannot start (its input does not exist) is started again with a growing pause,
// not every 200 ms for ever; the SRT relay depends on it when an encoder sends what it cannot take.
import { expect, it } from 'vitest';
import { FfmpegProcess } from '../server/src/ingest/FfmpegProcess';
import { createLogger } from '../server/src/logger';

it('backs off a process that keeps failing at once, doubling the pause up to the maximum', async () => {
  const ffmpeg = new FfmpegProcess({
    args: ['-i', '/nonexistent/hybrid-stage-input.ts', '-f', 'null', '-'],
    restartAfterMs: 20,
    maxRestartAfterMs: 160,
    logger: createLogger('silent'),
    what: 'a failing relay',
  });
  const delays: number[] = [];
  try {
    await new Promise<void>((resolve) =>
      ffmpeg.on('restarting', (delay) => {
        delays.push(delay);
        if (delays.length === 6) resolve();
      }),
    );
  } finally {
    ffmpeg.close();
  }
  expect(delays).toEqual([20, 40, 80, 160, 160, 160]);
});

it('keeps the secrets in its arguments out of what it reports of ffmpeg', async () => {
  const secret = 'passphrase-0123456789abcdef';
  const ffmpeg = new FfmpegProcess({
    args: ['-i', `/nonexistent/${secret}.ts`, '-f', 'null', '-'],
    restart: false,
    secrets: [secret],
    logger: createLogger('silent'),
    what: 'a relay with a secret',
  });
  // ffmpeg names its input in the error, which is what goes to the log.
  const stderr = await new Promise<string>((resolve) => ffmpeg.once('exit', (_code, _signal, text) => resolve(text)));
  expect(stderr).toContain('/nonexistent/***.ts');
  expect(stderr).not.toContain(secret);
});
