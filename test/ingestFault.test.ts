// kill -9 of the media worker that holds the ingests and the program buses while an encoder sends
// RTP into an ingest that is on air: the ingest opens again on the replacement worker on the same
// ports and SSRCs, so the encoder, which just keeps sending, is back on the program by itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChannelState, IngestInfo } from '@hybrid-stage/shared';
import { isVp8KeyFrame } from '../server/src/media/rtp';
import { startTestServer, TestClient, type TestServer } from './support/server';
import { Sink } from './support/rtpSink';

let server: TestServer;
let encoder: ChildProcess | undefined;

beforeAll(async () => {
  // No test patterns: whatever reaches the program comes from the encoder.
  server = await startTestServer({ WORKERS: '2', TEST_PATTERNS: 'false' });
});

afterAll(async () => {
  encoder?.kill('SIGKILL');
  await server?.close();
});

/** Runs the command the studio page shows for an ingest, with a generated picture and tone. */
function runShownCommand(info: IngestInfo): ChildProcess {
  const source = '-f lavfi -i "testsrc2=size=320x180:rate=25[out0];sine=frequency=1000:sample_rate=48000[out1]"';
  const command = info.ffmpegCommand.replace('-i INPUT', source).replace(/^ffmpeg /, 'exec ffmpeg -hide_banner -loglevel error -t 120 ');
  return spawn('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Keyframes arriving on a channel's program now, seen by a consumer of it. */
async function programKeyFrames(channelId: string): Promise<Sink> {
  const bus = server.channels.bus(channelId);
  return Sink.of(bus.router, bus.producers.video);
}

it('puts an RTP encoder that keeps sending back on air after the worker under its ingest is killed', async () => {
  const studio = await TestClient.connectAs(server, { role: 'studio', studioId: 'london' });
  const producer = await TestClient.connectAs(server, { role: 'producer' });
  const info = await studio.ok('ingest:create', { studioId: 'london', label: 'London encoder', protocol: 'rtp' });
  encoder = runShownCommand(info);
  let encoderErrors = '';
  encoder.stderr!.on('data', (d: Buffer) => (encoderErrors += d.toString()));
  await producer.ok('program:take', { channelId: 'main', feedId: info.feedId });
  await producer.next('channel:changed', (c: ChannelState) => c.id === 'main' && c.program === info.feedId, 20_000);
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
  const [listed] = await studio.ok('ingest:list', { studioId: 'london' });
  expect(listed).toMatchObject({ id: info.id, feedId: info.feedId });
  expect(listed!.rtp!.video).toMatchObject({ port: info.rtp!.video.port, ssrc: info.rtp!.video.ssrc });
  expect(listed!.rtp!.audio).toMatchObject({ port: info.rtp!.audio.port, ssrc: info.rtp!.audio.ssrc });
  // The encoder never stopped.
  expect(encoder.exitCode).toBeNull();
  expect(encoderErrors).toBe('');
  studio.close();
  producer.close();
});
