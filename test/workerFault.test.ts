// A mediasoup worker killed with SIGKILL in the middle of the broadcast: the pool replaces it, the
// channels' buses are rebuilt on the new worker with what they had on air, and clients whose
// transports lived there are told to make new ones.
import { expect } from 'vitest';
import type { ChannelState } from '@hybrid-stage/shared';
import { isVp8KeyFrame } from '../server/src/media/rtp';
import { serverTest } from './support/fixtures';
import { Sink } from './support/rtpSink';

const test = serverTest({ WORKERS: '2' });

test('rebuilds the channels on a replaced worker with the same feeds on air, and tells clients their media is gone', async ({ server, clients }) => {
  const producer = await clients.as({ role: 'producer' });
  const viewer = await clients.connect();
  // The first client to ask for media is placed on the first worker, where the buses run.
  await viewer.ok('transport:create', { direction: 'recv' });
  expect(server.pool.clientsOn(server.pool.ingest)).toBe(1);

  const busBefore = server.channels.bus('main');
  // At startup each channel takes its studio's pattern at the pattern's first keyframe.
  await expect.poll(() => busBefore.state().program, { timeout: 10_000 }).not.toBeNull();
  const before = busBefore.state();
  const onAirBefore = server.feeds.get(before.program!);
  expect(onAirBefore.studioId).toBe('london');
  const dead = server.pool.ingest;

  const lost = viewer.next('media:lost');
  const changed = producer.next('channel:changed', (c: ChannelState) => c.id === 'main' && c.program !== null && c.program !== before.program, 15_000);
  process.kill(dead.worker.pid, 'SIGKILL');

  await lost;
  const after = await changed;
  // The same studio's test pattern is back on air, as a new feed on the new worker.
  expect(after.version).toBeGreaterThan(before.version);
  const onAirAfter = server.feeds.get(after.program!);
  expect(onAirAfter.studioId).toBe('london');
  expect(onAirAfter.source).toBe('test-pattern');
  expect(after.cuts[0]).toMatchObject({ reason: 'recovery', by: 'automatic' });
  // Its backup is back too.
  expect(server.feeds.get(after.backup!).studioId).toBe('singapore');

  const bus = server.channels.bus('main');
  expect(bus).not.toBe(busBefore);
  expect(bus.router).toBe(server.pool.ingest.router);
  expect(server.pool.ingest).not.toBe(dead);
  // The rebuilt program carries the picture: keyframes arrive at a consumer of it.
  const sink = await Sink.of(bus.router, bus.producers.video);
  await expect.poll(() => sink.packets.filter((p) => isVp8KeyFrame(p.payload)).length, { timeout: 10_000 }).toBeGreaterThan(0);
  sink.close();

  const health = await fetch(`${server.url}/health`);
  expect(await health.json()).toEqual({ status: 'ok', workers: 2 });
  // The viewer's old place is released; its next request for media lands on a live worker.
  await viewer.ok('transport:create', { direction: 'recv' });
});
