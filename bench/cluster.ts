/**
 * The cluster's media hop (server/src/cluster/ProgramRelay.ts): what a packet of the program gains
 * crossing from the origin's worker to an edge's, beside what delivering it on the origin itself
 * costs, measured on the same packets in the same run.
 *
 * Two real workers; the origin's pipe on 127.0.0.2, the edge's on 127.0.0.3 (UDP, SRTP, RTX). The
 * origin sends the program into a DirectTransport producer, as its bus does; every packet is
 * received twice, by a consumer on the origin's own router (the baseline: into the worker and out,
 * no hop) and by one on the edge's router behind the relay. The hop adds the difference.
 */
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { MEDIA_CODECS } from '../server/src/media/codecs';
import { parseRtp, readVp8Numbering } from '../server/src/media/rtp';
import { EdgeRelay, OriginRelays } from '../server/src/cluster/ProgramRelay';
import { progress, quantile, type Figure, type FigureKey } from './report';

/** Packets measured: 100 frames a second for 20 s, about a 720p program's packet rate. */
const PACKETS = 2000;
const INTERVAL_MS = 10;

export async function measureCluster(): Promise<Map<FigureKey, Figure>> {
  const figures = new Map<FigureKey, Figure>();
  const [originWorker, edgeWorker] = await Promise.all([mediasoup.createWorker({ logLevel: 'warn' }), mediasoup.createWorker({ logLevel: 'warn' })]);
  try {
    const [origin, edge] = await Promise.all([originWorker.createRouter({ mediaCodecs: MEDIA_CODECS }), edgeWorker.createRouter({ mediaCodecs: MEDIA_CODECS })]);
    const program = await origin.createDirectTransport();
    const codec = (mimeType: string) => origin.rtpCapabilities.codecs!.find((c) => c.mimeType === mimeType)!;
    const vp8 = codec('video/VP8');
    const opus = codec('audio/opus');
    const producers = {
      video: await program.produce({ kind: 'video', rtpParameters: { codecs: [{ mimeType: vp8.mimeType, payloadType: vp8.preferredPayloadType!, clockRate: 90000 }], encodings: [{ ssrc: 1111 }] } }),
      audio: await program.produce({ kind: 'audio', rtpParameters: { codecs: [{ mimeType: opus.mimeType, payloadType: opus.preferredPayloadType!, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 2222 }] } }),
    };
    const relays = new OriginRelays(() => ({ router: origin, producers }), { ip: '127.0.0.2' });
    const relay = await EdgeRelay.open(edge, { ip: '127.0.0.3' }, 'main', 'edge-bench', (request) => relays.answer(request));

    // Packets are told apart by their VP8 picture id, which consumers keep (their RTP headers differ).
    const arrived = { local: new Map<number, number>(), edge: new Map<number, number>() };
    const sent = new Map<number, number>();
    const listen = async (router: types.Router, producer: types.Producer, into: Map<number, number>) => {
      const transport = await router.createDirectTransport();
      const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      consumer.on('rtp', (packet: Buffer) => {
        const at = performance.now();
        const pictureId = readVp8Numbering(parseRtp(packet)?.payload ?? Buffer.alloc(0)).pictureId;
        if (pictureId !== undefined) into.set(pictureId, at);
      });
      return transport;
    };
    const local = await listen(origin, producers.video, arrived.local);
    const remote = await listen(edge, relay.producers.video, arrived.edge);

    progress(`cluster: ${PACKETS} packets through the relay (127.0.0.2 → 127.0.0.3, SRTP) and on the origin itself`);
    for (let i = 1; i <= PACKETS + 50; i++) {
      const packet = Buffer.alloc(1100);
      packet[0] = 0x80;
      packet[1] = 0x80 | vp8.preferredPayloadType!;
      packet.writeUInt16BE(i & 0xffff, 2);
      packet.writeUInt32BE(i * 900, 4);
      packet.writeUInt32BE(1111, 8);
      packet[12] = 0x90;
      packet[13] = 0x80;
      packet.writeUInt16BE(0x8000 | (i & 0x7fff), 14);
      packet[16] = i % 100 === 1 ? 0x00 : 0x01; // a keyframe a second: consumers start at one
      sent.set(i, performance.now());
      producers.video.send(packet);
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
    }
    await new Promise((r) => setTimeout(r, 500));

    const added: number[] = [];
    const base: number[] = [];
    for (const [id, atEdge] of arrived.edge) {
      const atOrigin = arrived.local.get(id);
      if (atOrigin === undefined || id <= 50) continue; // the first half second is the consumers starting
      added.push(atEdge - atOrigin);
      base.push(atOrigin - sent.get(id)!);
    }
    local.close();
    remote.close();
    relay.close();
    relays.close();
    if (added.length < PACKETS * 0.9) {
      const reason = `only ${added.length} of ${PACKETS} packets crossed the relay`;
      figures.set('cluster.hopAddedMsP99', { value: null, reason });
      figures.set('cluster.localDeliveryMsP99', { value: null, reason });
      return figures;
    }
    const conditions = `${added.length} VP8 packets of 1100 bytes at 100/s; origin pipe 127.0.0.2 → edge pipe 127.0.0.3, SRTP + RTX; per packet, edge arrival minus origin-local arrival`;
    const hop = round(quantile(added, 0.99));
    const local99 = round(quantile(base, 0.99));
    figures.set('cluster.hopAddedMsP99', { value: hop, unit: 'ms', conditions: `${conditions}; p50 ${round(quantile(added, 0.5))} ms` });
    figures.set('cluster.localDeliveryMsP99', {
      value: local99,
      unit: 'ms',
      conditions: `the baseline, same packets: send() to arrival at a consumer on the origin's own router; p50 ${round(quantile(base, 0.5))} ms; the hop adds ${(hop / Math.max(local99, 0.01)).toFixed(1)}× it`,
    });
    return figures;
  } finally {
    originWorker.close();
    edgeWorker.close();
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
