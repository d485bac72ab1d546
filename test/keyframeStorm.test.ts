// A join storm: sixty viewers of a channel ask for a keyframe at the same moment. The studio feed on
// air gets a handful of requests, not sixty: the program bus holds requests back while the keyframe
// asked for is on its way. A viewer who asks after it went by is passed on at once.
import { expect } from 'vitest';
import { serverTest } from './support/fixtures';
import { RtpGenerator } from './support/RtpGenerator';
import { Sink } from './support/rtpSink';

const test = serverTest({ WORKERS: '1' });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('passes a storm of viewers\' keyframe requests to the feed on air as a few', async ({ server, clients }) => {
  // An encoder's feed whose RTCP comes back to the test, so every keyframe request it gets is counted.
  const router = server.pool.ingest.router;
  const transport = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
  const vp8 = router.rtpCapabilities.codecs!.find((c) => c.mimeType === 'video/VP8')!;
  const ssrc = 0x2345678;
  const producer = await transport.produce({
    kind: 'video',
    rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: vp8.preferredPayloadType!, clockRate: 90000, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }] }], encodings: [{ ssrc }] },
  });
  const generator = new RtpGenerator(transport.tuple.localPort, ssrc, vp8.preferredPayloadType!, { answersKeyFrameRequests: true });
  const feed = server.feeds.open('london', 'London encoder', 'rtp');
  feed.addTrack(producer, router);
  const sinks: Sink[] = [];
  const producerClient = await clients.as({ role: 'producer' });
  try {
    await producerClient.ok('program:take', { channelId: 'b2b', feedId: feed.id });
    const bus = server.channels.bus('b2b');
    await expect.poll(() => bus.state().program, { timeout: 10_000 }).toBe(feed.id);

    // Sixty viewers arrive; each one's consumer asks for a keyframe as it starts.
    for (let i = 0; i < 60; i++) sinks.push(await Sink.of(bus.router, bus.producers.video, { requestKeyFrame: false }));
    await sleep(500);
    const before = generator.keyFrameRequests;
    await Promise.all(sinks.map((s) => s.requestKeyFrame()));
    await sleep(1000);
    const reached = generator.keyFrameRequests - before;
    // Far fewer than sixty (none at all when a keyframe was already on its way).
    expect(reached).toBeLessThanOrEqual(5);
    // And every viewer gets the keyframe that answered them.
    await expect.poll(() => sinks.filter((s) => s.packets.length > 0).length, { timeout: 5_000 }).toBe(60);

    // A viewer joining just after the keyframe went by is not left waiting for the next one: its
    // request reaches the feed at once.
    const latecomer = await Sink.of(bus.router, bus.producers.video, { requestKeyFrame: false });
    sinks.push(latecomer);
    await sinks[0]!.requestKeyFrame();
    await expect.poll(() => generator.keyFrameRequests, { timeout: 2000 }).toBe(before + reached + 1);
    await sleep(100); // the answering keyframe (next frame, 40 ms) has gone by
    await latecomer.requestKeyFrame();
    await expect.poll(() => generator.keyFrameRequests, { timeout: 2000 }).toBe(before + reached + 2);
  } finally {
    for (const s of sinks) s.close();
    generator.close();
    feed.close();
    transport.close();
  }
});
