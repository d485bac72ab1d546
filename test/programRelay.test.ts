// The program carried between hosts (server/src/cluster/ProgramRelay.ts): two real mediasoup
// workers, the origin's pipe bound to 127.0.0.2 and the edge's to 127.0.0.3, so the packets cross
// real UDP sockets between two addresses, SRTP-encrypted, as they would between two machines.
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MEDIA_CODECS } from '../server/src/media/codecs';
import { isVp8KeyFrame, parseRtcpRequests, parseRtp } from '../server/src/media/rtp';
import { EdgeRelay, OriginRelays, RelayAnswer, RelayRequest } from '../server/src/cluster/ProgramRelay';

let originWorker: types.Worker;
let edgeWorker: types.Worker;
let originRouter: types.Router;
let edgeRouter: types.Router;
let program: types.DirectTransport;
let producers: { video: types.Producer; audio: types.Producer };
let sender: NodeJS.Timeout;
const VIDEO_SSRC = 0x1234567;
const keyFrameRequests: number[] = [];

/** One frame of a VP8-shaped stream (descriptor with a picture id; a keyframe every 25th frame). */
function vp8Packet(frame: number, payloadType: number, keyFrame: boolean): Buffer {
  const packet = Buffer.alloc(1000);
  packet[0] = 0x80;
  packet[1] = 0x80 | payloadType;
  packet.writeUInt16BE((1000 + frame) & 0xffff, 2);
  packet.writeUInt32BE((frame * 3600) >>> 0, 4);
  packet.writeUInt32BE(VIDEO_SSRC, 8);
  packet[12] = 0x90;
  packet[13] = 0x80;
  packet.writeUInt16BE(0x8000 | (frame & 0x7fff), 14);
  packet[16] = keyFrame ? 0x00 : 0x01;
  return packet;
}

beforeAll(async () => {
  [originWorker, edgeWorker] = await Promise.all([mediasoup.createWorker({ logLevel: 'warn' }), mediasoup.createWorker({ logLevel: 'warn' })]);
  [originRouter, edgeRouter] = await Promise.all([originWorker.createRouter({ mediaCodecs: MEDIA_CODECS }), edgeWorker.createRouter({ mediaCodecs: MEDIA_CODECS })]);
  // The origin's program, as ProgramBus makes it: two producers on a DirectTransport.
  program = await originRouter.createDirectTransport();
  const codec = (mimeType: string) => originRouter.rtpCapabilities.codecs!.find((c) => c.mimeType === mimeType)!;
  const vp8 = codec('video/VP8');
  const opus = codec('audio/opus');
  producers = {
    video: await program.produce({
      kind: 'video',
      rtpParameters: { codecs: [{ mimeType: vp8.mimeType, payloadType: vp8.preferredPayloadType!, clockRate: vp8.clockRate, rtcpFeedback: vp8.rtcpFeedback }], encodings: [{ ssrc: VIDEO_SSRC }] },
    }),
    audio: await program.produce({
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: opus.mimeType, payloadType: opus.preferredPayloadType!, clockRate: opus.clockRate, channels: 2 }], encodings: [{ ssrc: 0x7654321 }] },
    }),
  };
  program.on('rtcp', (packet) => {
    if (parseRtcpRequests(packet).keyFrameSsrcs.includes(VIDEO_SSRC)) keyFrameRequests.push(Date.now());
  });
  let frame = 0;
  sender = setInterval(() => {
    frame++;
    producers.video.send(vp8Packet(frame, vp8.preferredPayloadType!, frame % 25 === 1));
  }, 40);
});

afterAll(() => {
  clearInterval(sender);
  originWorker?.close();
  edgeWorker?.close();
});

/** The last request and answer that crossed. */
const exchanged: { request?: RelayRequest; answer?: RelayAnswer } = {};

/** The request and answer cross the network as JSON, each checked by its schema on arrival. */
const overTheWire = (origin: OriginRelays) => async (request: RelayRequest) => {
  exchanged.request = RelayRequest.parse(JSON.parse(JSON.stringify(request)));
  exchanged.answer = RelayAnswer.parse(JSON.parse(JSON.stringify(await origin.answer(exchanged.request))));
  return exchanged.answer;
};

/** Consumes `producer` on the edge; collects the RTP packets that arrive. */
async function watch(producer: types.Producer) {
  const transport = await edgeRouter.createDirectTransport();
  const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: edgeRouter.rtpCapabilities });
  const packets: Buffer[] = [];
  consumer.on('rtp', (packet) => packets.push(packet));
  return { consumer, packets, close: () => transport.close() };
}

it('carries the origin program to the edge between two addresses, with SRTP, and keyframe requests back', async () => {
  const origin = new OriginRelays(() => ({ router: originRouter, producers }), { ip: '127.0.0.2' });
  const relay = await EdgeRelay.open(edgeRouter, { ip: '127.0.0.3' }, 'main', 'edge-1', overTheWire(origin));
  expect(origin.size).toBe(1);
  // The edge's producers are the origin's, by id, so every node names the program's tracks alike.
  expect(relay.producers.video.id).toBe(producers.video.id);
  expect(relay.producers.audio.id).toBe(producers.audio.id);
  // Each half listens where the other host reaches it, and sends with its own SRTP key.
  expect(exchanged.request!.edge).toMatchObject({ ip: '127.0.0.3', srtpParameters: { cryptoSuite: expect.any(String) } });
  expect(exchanged.answer!.origin).toMatchObject({ ip: '127.0.0.2', srtpParameters: { cryptoSuite: expect.any(String) } });
  expect(exchanged.answer!.origin.srtpParameters.keyBase64).not.toBe(exchanged.request!.edge.srtpParameters.keyBase64);

  const viewer = await watch(relay.producers.video);
  await viewer.consumer.requestKeyFrame();
  await expect.poll(() => viewer.packets.length, { timeout: 10_000 }).toBeGreaterThan(20);
  const frames = viewer.packets.map((p) => parseRtp(p)!);
  expect(frames.some((p) => isVp8KeyFrame(p.payload))).toBe(true);
  // What arrived continues frame by frame, as it left the origin.
  const sequence = frames.map((p) => p.sequenceNumber);
  for (let i = 1; i < sequence.length; i++) expect((sequence[i]! - sequence[i - 1]! + 0x10000) & 0xffff).toBe(1);

  // A keyframe request made on the edge reaches the origin's program, through the pipe.
  const before = keyFrameRequests.length;
  await viewer.consumer.requestKeyFrame();
  await expect.poll(() => keyFrameRequests.length, { timeout: 5000 }).toBeGreaterThan(before);

  // Released (no viewer on the edge watches it any more): the origin closes its half, nothing arrives.
  expect(((await originRouter.dump()).transportIds as string[]).length).toBe(2); // the program's and the pipe
  origin.release('edge-1', 'main');
  expect(origin.size).toBe(0);
  expect(((await originRouter.dump()).transportIds as string[]).length).toBe(1);
  await new Promise((r) => setTimeout(r, 300));
  const after = viewer.packets.length;
  await new Promise((r) => setTimeout(r, 500));
  expect(viewer.packets.length).toBe(after);
  viewer.close();
  relay.close();
  expect(relay.closed).toBe(true);
});

it('closes the origin half when the program it carries goes (the bus was rebuilt), and opens again on request', async () => {
  let current = producers;
  const origin = new OriginRelays(() => ({ router: originRouter, producers: current }), { ip: '127.0.0.2' });
  const first = await EdgeRelay.open(edgeRouter, { ip: '127.0.0.3' }, 'main', 'edge-2', overTheWire(origin));
  expect(origin.size).toBe(1);
  // A new program (new producers) replaces the old, as a rebuilt bus does; the old producers close.
  const codec = originRouter.rtpCapabilities.codecs!.find((c) => c.mimeType === 'audio/opus')!;
  const transport = await originRouter.createDirectTransport();
  const rebuilt = {
    video: producers.video,
    audio: await transport.produce({
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: codec.mimeType, payloadType: codec.preferredPayloadType!, clockRate: codec.clockRate, channels: 2 }], encodings: [{ ssrc: 0x1111111 }] },
    }),
  };
  const old = current.audio;
  current = rebuilt;
  old.close();
  await expect.poll(() => origin.size).toBe(0);
  first.close();
  // The edge asks again and gets the new program.
  const second = await EdgeRelay.open(edgeRouter, { ip: '127.0.0.3' }, 'main', 'edge-2', overTheWire(origin));
  expect(second.producers.audio.id).toBe(rebuilt.audio.id);
  // The edge leaves the cluster: every pipe to it closes, others stay (another edge host: a worker
  // of its own, since producer ids are unique within a worker).
  const otherWorker = await mediasoup.createWorker({ logLevel: 'warn' });
  const otherEdge = await otherWorker.createRouter({ mediaCodecs: MEDIA_CODECS });
  const other = await EdgeRelay.open(otherEdge, { ip: '127.0.0.4' }, 'main', 'edge-9', overTheWire(origin));
  expect(origin.size).toBe(2);
  origin.forgetEdge('edge-2');
  expect(origin.size).toBe(1);
  origin.close();
  expect(origin.size).toBe(0);
  other.close();
  otherWorker.close();
  second.close();
  transport.close();
});

it('refuses an answer that is not a relay answer, and leaves nothing open on the edge', async () => {
  const transportsBefore = ((await edgeRouter.dump()).transportIds as string[]).length;
  await expect(
    EdgeRelay.open(edgeRouter, { ip: '127.0.0.3' }, 'main', 'edge-3', async () => ({ origin: { ip: '127.0.0.2', port: 1 }, producers: [] }) as unknown as RelayAnswer),
  ).rejects.toThrow();
  expect(((await edgeRouter.dump()).transportIds as string[]).length).toBe(transportsBefore);
});
