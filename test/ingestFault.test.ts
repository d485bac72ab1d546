// kill -9 of the media worker that holds the ingests and the program buses while an encoder sends
// RTP (or SRT, through the relay) into an ingest that is on air: the ingest opens again on the
// replacement worker on the same ports and SSRCs, so the encoder, which just keeps sending, is back
// on the program by itself.
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { ChannelState, IngestInfo } from '@hybrid-stage/shared';
import { isVp8KeyFrame } from '../server/src/media/rtp';
import { runShownCommand } from './support/encoder';
import { startTestServer, TestClient, type TestServer } from './support/server';
import { Sink } from './support/rtpSink';

let server: TestServer;
const encoders: ChildProcess[] = [];

beforeAll(async () => {
  // No test patterns: whatever reaches the program comes from the encoder.
  server = await startTestServer({ WORKERS: '2', TEST_PATTERNS: 'false', SRT_PORT_RANGE: '42800-42899' });
});

afterEach(() => {
  for (const encoder of encoders.splice(0)) encoder.kill('SIGKILL');
});

afterAll(async () => {
  await server?.close();
});

/** Keyframes arriving on a channel's program now, seen by a consumer of it. */
async function programKeyFrames(channelId: string): Promise<Sink> {
  const bus = server.channels.bus(channelId);
  return Sink.of(bus.router, bus.producers.video);
}

it.each(['rtp', 'srt'] as const)('puts an encoder sending %s that keeps sending back on air after the worker under its ingest is killed', async (protocol) => {
  const studio = await TestClient.connectAs(server, { role: 'studio', studioId: 'london' });
  const producer = await TestClient.connectAs(server, { role: 'producer' });
  // Its encoder's own source ports: test/ingest.test.ts's take the default ones, and the two files
  // may run at once (TEST_INTEGRATION_FILES).
  const source = protocol === 'rtp' ? { source: { ip: '127.0.0.1', videoPort: 19104, audioPort: 19106 } } : {};
  const info = await studio.ok('ingest:create', { studioId: 'london', label: `London ${protocol} encoder`, protocol, ...source });
  const encoder = runShownCommand(info, { seconds: 120 });
  encoders.push(encoder);
  let encoderErrors = '';
  encoder.stderr!.on('data', (d: Buffer) => (encoderErrors += d.toString()));
  await expect.poll(() => server.feeds.get(info.feedId).tracks.length, { timeout: 15_000 }).toBe(2);
  await producer.take('main', info.feedId, 20_000);
  const before = await programKeyFrames('main');
  await expect.poll(() => before.packets.filter((p) => isVp8KeyFrame(p.payload)).length, { timeout: 10_000 }).toBeGreaterThan(0);
  before.close();

  const back = producer.next('channel:changed', (c: ChannelState) => c.id === 'main' && c.program === info.feedId && c.cuts[0]?.reason === 'recovery', 15_000);
  const dead = server.pool.ingest;
  process.kill(dead.worker.pid, 'SIGKILL');
  // The same feed is back on the program, cut to by the recovery, on the replacement worker.
  await back;
  expect(server.pool.ingest).not.toBe(dead);
  const after = await programKeyFrames('main');
  await expect.poll(() => after.packets.filter((p) => isVp8KeyFrame(p.payload)).length, { timeout: 10_000 }).toBeGreaterThan(0);
  const counted = after.packets.length;
  await expect.poll(() => after.packets.length, { timeout: 5_000 }).toBeGreaterThan(counted + 50);
  after.close();

  // The studio page still shows the same endpoint: the encoder needs no change.
  const listed = (await studio.ok('ingest:list', { studioId: 'london' })).find((i) => i.id === info.id);
  expect(listed).toMatchObject({ id: info.id, feedId: info.feedId });
  if (protocol === 'srt') expect(listed!.url).toBe(info.url);
  else {
    // The RTP ports and SSRCs are the same (RTCP, which encoders send optionally, may land on a new port).
    for (const kind of ['video', 'audio'] as const) {
      expect(listed!.rtp![kind]).toMatchObject({ port: info.rtp![kind].port, ssrc: info.rtp![kind].ssrc });
    }
  }
  // The encoder never stopped.
  expect(encoder.exitCode).toBeNull();
  expect(encoderErrors).toBe('');
  await studio.ok('ingest:close', { ingestId: info.id });
  studio.close();
  producer.close();
});
