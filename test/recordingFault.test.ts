// kill -9 of the media worker under a channel that is being recorded: the file written so far is
// finished and kept as interrupted, playable; recording goes on by itself in a new file once the
// channel is rebuilt on the replacement worker, and that file is whole when stopped.
import { expect } from 'vitest';
import type { RecordingInfo } from '@hybrid-stage/shared';
import { serverTest } from './support/fixtures';
import { expectPlayableRecording } from './support/playable';

const test = serverTest({ WORKERS: '1' });

test('keeps the part recorded before a worker died and records on in a new file after', async ({ server, clients }) => {
  const producer = await clients.as({ role: 'producer' });
  await expect.poll(() => server.channels.bus('main').state().program, { timeout: 10_000 }).not.toBeNull();
  const first = await producer.ok('recording:start', { channelId: 'main' });
  await expect.poll(async () => (await server.recordings.get(first.id)).sizeBytes, { timeout: 15_000, interval: 500 }).toBeGreaterThan(100_000);

  process.kill(server.pool.ingest.worker.pid, 'SIGKILL');
  // The first part is finished and marked, with the length its file has.
  await expect.poll(async () => (await server.recordings.get(first.id)).status, { timeout: 10_000 }).toBe('interrupted');
  expect((await server.recordings.get(first.id)).durationMs).toBeGreaterThan(1000);
  await expectPlayableRecording(await server.recordings.file(first.id), { evenAudio: false });

  // A second part records the rebuilt channel by itself.
  const second = async () => (await producer.ok('recording:list', {})).find((r: RecordingInfo) => r.channelId === 'main' && r.id !== first.id);
  await expect.poll(async () => (await second())?.status, { timeout: 15_000 }).toBe('recording');
  await expect.poll(async () => (await second())?.sizeBytes ?? 0, { timeout: 15_000, interval: 500 }).toBeGreaterThan(100_000);
  const stopped = await producer.ok('recording:stop', { channelId: 'main' });
  expect(stopped).toMatchObject({ id: (await second())!.id, status: 'done' });
  expect(stopped.durationMs).toBeGreaterThan(1000);
  await expectPlayableRecording(await server.recordings.file(stopped.id), { evenAudio: false });
});
