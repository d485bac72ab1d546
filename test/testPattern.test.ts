// The built-in test pattern carries real media: VP8 keyframes and Opus packets relayed by mediasoup,
// also to a router on another worker (pipeToRouter).
import { createSocket, type Socket } from 'node:dgram';
import { expect } from 'vitest';
import type { types } from 'mediasoup';
import { isVp8KeyFrame, parseRtp } from '../server/src/media/rtp';
import { serverTest } from './support/fixtures';

const test = serverTest();

/** Consumes a producer through a PlainTransport into a UDP socket; returns what arrives in `ms`. */
async function receive(router: types.Router, producer: types.Producer, ms: number) {
  const sink: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  const transport = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
  await transport.connect({ ip: '127.0.0.1', port: sink.address().port });
  const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
  const packets: Buffer[] = [];
  sink.on('message', (m) => packets.push(m));
  await consumer.requestKeyFrame().catch(() => undefined);
  await new Promise((r) => setTimeout(r, ms));
  transport.close();
  sink.close();
  const payloadType = consumer.rtpParameters.codecs[0]!.payloadType;
  return packets.map(parseRtp).filter((p) => p?.payloadType === payloadType);
}

test('sends VP8 video with a keyframe at least every second, and Opus audio', async ({ server }) => {
  const feed = server.feeds.get(server.feeds.list().find((f) => f.studioId === 'london')!.id);
  const video = feed.track('video')!;
  const audio = feed.track('audio')!;

  const videoPackets = await receive(video.router, video.producer, 2500);
  expect(videoPackets.length).toBeGreaterThan(50);
  expect(videoPackets.filter((p) => isVp8KeyFrame(p!.payload)).length).toBeGreaterThanOrEqual(2);
  // Frames advance: 25 fps on a 90 kHz clock, so over two seconds the timestamp moves by ~180000.
  const timestamps = videoPackets.map((p) => p!.timestamp);
  expect(Math.max(...timestamps) - Math.min(...timestamps)).toBeGreaterThan(90000);

  const audioPackets = await receive(audio.router, audio.producer, 1000);
  expect(audioPackets.length).toBeGreaterThan(30); // Opus: 50 packets a second
});

test('reaches a router on another worker through a pipe', async ({ server }) => {
  const feed = server.feeds.get(server.feeds.list().find((f) => f.studioId === 'singapore')!.id);
  const video = feed.track('video')!;
  const other = server.pool.workers.find((w) => w.router !== video.router)!.router;
  const piped = await server.pool.pipe(video.producer, video.router, other);
  expect(await server.pool.pipe(video.producer, video.router, other)).toBe(piped);
  const packets = await receive(other, piped, 2000);
  expect(packets.filter((p) => isVp8KeyFrame(p!.payload)).length).toBeGreaterThanOrEqual(1);
});
