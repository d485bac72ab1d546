/**
 * Fan-out cost of one mediasoup worker, and memory per viewer, on loopback.
 *  - An RTP generator in this process sends a 720p-like VP8 stream (about 1.5 Mbit/s: 150 packets of
 *    1200 bytes a second) into a PlainTransport; N consumers (PlainTransports, with and without SRTP)
 *    send it to sink sockets in this process (openSinks: their reading costs this process, not the
 *    worker). For each N the worker's own CPU time and its sent-packet counters are read.
 *  - A C program measures this machine's raw sendto() rate per core, the physical limit.
 *  - The same on an edge: the stream produced on an "origin" worker reaches the measured worker
 *    through the cluster's relay (ProgramRelay: a PipeTransport with SRTP from 127.0.0.2 to
 *    127.0.0.3), as a channel's program reaches an edge; its consumers per core are
 *    cluster.viewersPerEdgeCore, beside fanout.consumersPerCore of the same run.
 *  - The same with our code in the path (an RTP feed through the program bus, consumers of the bus's
 *    producer): CPU per forwarded packet, the workers' and the server's Node side, beside the
 *    bare rig's at the same size is fanout.overBareMediasoup.
 *  - Memory: worker RSS and Node heap before and after adding viewers (a WebRtcTransport on the
 *    WebRtcServer plus a video and an audio consumer each).
 */
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { EdgeRelay, OriginRelays } from '../server/src/cluster/ProgramRelay';
import { MEDIA_CODECS } from '../server/src/media/codecs';
import { freePortRun } from '../test/support/ports';
import { PACKETS_PER_SECOND, RtpGenerator } from '../test/support/RtpGenerator';
import { startTestServer } from '../test/support/server';
import type { Feed } from '../server/src/studios/Feed';
import { progress, type Figure, type FigureKey } from './report';

const STEPS = [50, 100, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 2000];
/** The steps stop before one that would need more than this share of a core: an overloaded worker answers nothing. */
const MAX_PREDICTED_CPU = 0.9;
const STEP_SECONDS = 4;
const SINK_SOCKETS = 8;
const VIEWERS_FOR_MEMORY = 1000;

interface Step {
  consumers: number;
  srtp: boolean;
  cpuFraction: number;
  forwardedPerSecond: number;
  microsecondsPerPacket: number;
  /**
   * This process's CPU per forwarded packet: the generator's and the sinks' (Node reads their
   * sockets), the same in every rig, and with the bus rig the server's Node side too.
   */
  processMicrosecondsPerPacket: number;
  lossPercent: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cpuSeconds(worker: types.Worker): Promise<number> {
  const usage = await worker.getResourceUsage();
  return (usage.ru_utime + usage.ru_stime) / 1000;
}

/** This process's CPU time (see Step.processMicrosecondsPerPacket). */
function processCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

async function sentPackets(consumers: types.Consumer[]): Promise<number> {
  let total = 0;
  for (const consumer of consumers) {
    for (const s of await consumer.getStats()) if (s.type === 'outbound-rtp') total += s.packetCount;
  }
  return total;
}

/**
 * The consumers' destinations, pushed onto `sinks` (so a failure later closes them): UDP sockets
 * in this process with small buffers. Node reads them (a bound dgram socket always does), which
 * costs this process CPU per packet, the same in every rig (Step.processMicrosecondsPerPacket).
 */
async function openSinks(sinks: Socket[]): Promise<void> {
  for (let i = 0; i < SINK_SOCKETS; i++) {
    const sink = createSocket({ type: 'udp4', recvBufferSize: 1 << 16 });
    await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
    sinks.push(sink);
  }
}

/**
 * Workers with one router each; the generator's stream is produced on the first and piped to the
 * others, as a channel's program is piped to viewer routers; consumers are added per worker.
 */
interface Rig {
  readonly srtp: boolean;
  readonly workers: types.Worker[];
  readonly routers: types.Router[];
  readonly producers: types.Producer[];
  readonly generator: RtpGenerator;
  readonly consumers: types.Consumer[][];
  /** The workers that get consumers (the others only carry the stream to them). */
  readonly fanning: readonly number[];
  readonly sinks: Socket[];
  close(): void | Promise<void>;
}

/**
 * `via`: how the second worker on gets the stream: `pipeToRouter` (workers of one node), or
 * `relay` (the cluster's relay, worker 0 the origin and worker 1 the edge; only worker 1 fans out).
 */
async function openRig(workerCount: number, srtp: boolean, via: 'pipeToRouter' | 'relay' = 'pipeToRouter'): Promise<Rig> {
  const workers: types.Worker[] = [];
  const sinks: Socket[] = [];
  let generator: RtpGenerator | undefined;
  let relays: OriginRelays | undefined;
  let relay: EdgeRelay | undefined;
  const close = () => {
    relay?.close();
    relays?.close();
    generator?.close();
    for (const sink of sinks) sink.close();
    for (const worker of workers) worker.close();
  };
  try {
    const routers: types.Router[] = [];
    for (let i = 0; i < workerCount; i++) {
      const span = Math.floor(7000 / workerCount);
      const worker = await mediasoup.createWorker({ logLevel: 'error', rtcMinPort: 43000 + i * span, rtcMaxPort: 43000 + (i + 1) * span - 1 });
      workers.push(worker);
      routers.push(await worker.createRouter({ mediaCodecs: MEDIA_CODECS }));
    }
    await openSinks(sinks);
    const ingest = await routers[0]!.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
    const vp8 = routers[0]!.rtpCapabilities.codecs!.find((c) => c.mimeType === 'video/VP8')!;
    const ssrc = 0x1234567;
    const producer = await ingest.produce({
      kind: 'video',
      rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: vp8.preferredPayloadType!, clockRate: 90000 }], encodings: [{ ssrc }] },
    });
    const producers = [producer];
    if (via === 'relay') {
      // The relay carries a program's video and audio; this one's audio stays silent.
      const opus = routers[0]!.rtpCapabilities.codecs!.find((c) => c.mimeType === 'audio/opus')!;
      const audio = await ingest.produce({
        kind: 'audio',
        rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: opus.preferredPayloadType!, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: ssrc + 1 }] },
      });
      relays = new OriginRelays(() => ({ router: routers[0]!, producers: { video: producer, audio } }), { ip: '127.0.0.2' });
      const origin = relays;
      relay = await EdgeRelay.open(routers[1]!, { ip: '127.0.0.3' }, 'main', 'edge-bench', (request) => origin.answer(request));
      producers.push(relay.producers.video);
    } else {
      for (const router of routers.slice(1)) {
        const { pipeProducer } = await routers[0]!.pipeToRouter({ producerId: producer.id, router });
        producers.push(pipeProducer!);
      }
    }
    generator = new RtpGenerator(ingest.tuple.localPort, ssrc, vp8.preferredPayloadType!);
    const fanning = via === 'relay' ? [1] : routers.map((_, i) => i);
    return { srtp, workers, routers, producers, generator, consumers: routers.map(() => []), fanning, sinks, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** Adds consumers until every fanning worker of the rig has `perWorker`. */
async function grow(rig: Rig, perWorker: number): Promise<void> {
  for (const i of rig.fanning) {
    const router = rig.routers[i]!;
    const consumers = rig.consumers[i]!;
    while (consumers.length < perWorker) {
      const transport = await router.createPlainTransport({
        listenIp: { ip: '127.0.0.1' },
        rtcpMux: true,
        comedia: false,
        enableSrtp: rig.srtp,
        srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
      });
      await transport.connect({
        ip: '127.0.0.1',
        port: rig.sinks[consumers.length % SINK_SOCKETS]!.address().port,
        ...(rig.srtp ? { srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: randomBytes(30).toString('base64') } } : {}),
      });
      consumers.push(await transport.consume({ producerId: rig.producers[i]!.id, rtpCapabilities: router.rtpCapabilities }));
    }
  }
}

/**
 * Measures the rig for STEP_SECONDS of sending. Counters are read with the generator paused and
 * the pipeline drained, so expected and forwarded packets cover exactly the same packets. CPU is
 * that of the busiest worker; µs per packet is the workers' CPU over every forwarded packet.
 */
async function sample(rig: Rig): Promise<Step> {
  // Reading 2,000 consumers' stats costs the worker CPU too: keep it outside the CPU window.
  const quiet = async (cpuFirst: boolean) => {
    rig.generator.running = false;
    await sleep(300);
    const cpuNow = async () => [...(await Promise.all(rig.workers.map(cpuSeconds))), processCpuSeconds()];
    const early = cpuFirst ? await cpuNow() : undefined;
    const sent = await sentPackets(rig.consumers.flat());
    const cpu = early ?? (await cpuNow());
    return { sent, cpu, generated: rig.generator.sent };
  };
  // New consumers forward nothing until the next keyframe (one a second): let them all get one.
  await sleep(1200);
  const before = await quiet(false);
  rig.generator.running = true;
  await sleep(STEP_SECONDS * 1000);
  const after = await quiet(true);
  rig.generator.running = true;
  const consumers = rig.consumers.flat().length;
  const generated = after.generated - before.generated;
  const seconds = generated / PACKETS_PER_SECOND;
  const forwarded = after.sent - before.sent;
  const expected = generated * consumers;
  const used = after.cpu.map((c, i) => c - before.cpu[i]!);
  const processCpu = used.pop()!;
  const cpu = used;
  const totalCpu = cpu.reduce((a, b) => a + b, 0);
  return {
    consumers,
    srtp: rig.srtp,
    cpuFraction: Math.max(...cpu) / seconds,
    forwardedPerSecond: forwarded / seconds,
    microsecondsPerPacket: forwarded > 0 ? (totalCpu * 1e6) / forwarded : NaN,
    processMicrosecondsPerPacket: forwarded > 0 ? (processCpu * 1e6) / forwarded : NaN,
    lossPercent: Math.max(0, (100 * (expected - forwarded)) / expected),
  };
}

function describe(step: Step, workers = 1): string {
  return (
    `fan-out ${step.srtp ? 'SRTP' : 'plain'} ${step.consumers} consumers on ${workers} worker${workers > 1 ? 's' : ''}: ` +
    `busiest worker CPU ${(100 * step.cpuFraction).toFixed(0)}%, ${Math.round(step.forwardedPerSecond)} packets/s, ` +
    `${step.microsecondsPerPacket.toFixed(2)} µs/packet, loss ${step.lossPercent.toFixed(2)}%`
  );
}

/** Runs the fan-out steps on a fresh rig's fanning worker, until it is nearly saturated. */
async function fanOut(open: () => Promise<Rig>): Promise<Step[]> {
  const rig = await open();
  try {
    const steps: Step[] = [];
    for (const [i, target] of STEPS.entries()) {
      await grow(rig, target);
      const step = await sample(rig);
      steps.push(step);
      progress(describe(step));
      const next = STEPS[i + 1];
      if (!next || step.lossPercent > 1 || (step.cpuFraction * next) / target > MAX_PREDICTED_CPU) break;
    }
    return steps;
  } finally {
    await rig.close();
  }
}

/** Two workers, each with `perWorker` SRTP consumers, the stream piped from the first to the second. */
async function twoWorkers(perWorker: number): Promise<Step> {
  const rig = await openRig(2, true);
  try {
    await grow(rig, perWorker);
    const step = await sample(rig);
    progress(describe(step, 2));
    return step;
  } finally {
    await rig.close();
  }
}

/**
 * The fan-out through our code, the counterpart of the bare rig for fanout.overBareMediasoup: a
 * server in this process on one worker, the generator's stream an RTP feed on its ingest router,
 * taken to the main channel's program bus (a FeedTap into Node, rewritten, out through the bus's
 * DirectTransport producer); consumers are added on the bus's video producer, as viewers consume
 * the program. The feed answers keyframe requests, as an encoder does.
 */
async function openBusRig(): Promise<Rig> {
  const server = await startTestServer({ WORKERS: '1', TEST_PATTERNS: 'false', HLS_CHANNELS: '', LOG_LEVEL: 'error' });
  const sinks: Socket[] = [];
  let generator: RtpGenerator | undefined;
  let feed: Feed | undefined;
  const close = async () => {
    generator?.close();
    feed?.close();
    for (const sink of sinks) sink.close();
    await server.close();
  };
  try {
    const router = server.pool.ingest.router;
    const ingest = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
    const vp8 = router.rtpCapabilities.codecs!.find((c) => c.mimeType === 'video/VP8')!;
    const ssrc = 0x1234567;
    const producer = await ingest.produce({
      kind: 'video',
      rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: vp8.preferredPayloadType!, clockRate: 90000, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }] }], encodings: [{ ssrc }] },
    });
    generator = new RtpGenerator(ingest.tuple.localPort, ssrc, vp8.preferredPayloadType!, { answersKeyFrameRequests: true });
    feed = server.feeds.open('london', 'London encoder', 'rtp');
    feed.addTrack(producer, router);
    await server.channels.take('main', feed.id, 'bench');
    const bus = server.channels.bus('main');
    for (let i = 0; bus.state().program !== feed.id; i++) {
      if (i > 100) throw new Error('the bus did not cut to the bench feed within 10 s');
      await sleep(100);
    }
    await openSinks(sinks);
    const workers = [...new Set([server.pool.ingest.worker, ...server.pool.workers.map((w) => w.worker)])];
    return { srtp: true, workers, routers: [bus.router], producers: [bus.producers.video], generator, consumers: [[]], fanning: [0], sinks, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The bare rig and the bus rig with `consumers` SRTP consumers each, sampled in turn (the other's
 * generator paused) `rounds` times, so each pair is measured at nearly the same moment.
 */
async function bareAndBus(consumers: number, rounds = 3): Promise<Array<{ bare: Step; bus: Step }>> {
  const bare = await openRig(1, true);
  let bus: Rig | undefined;
  try {
    bus = await openBusRig();
    await grow(bare, consumers);
    await grow(bus, consumers);
    const pairs: Array<{ bare: Step; bus: Step }> = [];
    for (let i = 0; i < rounds; i++) {
      bus.generator.running = false;
      const b = await sample(bare);
      bare.generator.running = false;
      const o = await sample(bus);
      pairs.push({ bare: b, bus: o });
      progress(`round ${i + 1}/${rounds}: bare ${describe(b)}; through the program bus ${describe(o)}`);
    }
    return pairs;
  } finally {
    await bare.close();
    await bus?.close();
  }
}

/** This machine's raw sendto() packets per CPU-second, from the C program. */
async function udpLimit(): Promise<{ packetsPerCpuSecond: number } | { error: string }> {
  const dir = join(import.meta.dirname, '..', 'node_modules', '.cache', 'hybrid-stage');
  const binary = join(dir, 'udp-blast');
  const source = join(import.meta.dirname, 'udpBlast.c');
  try {
    if (!existsSync(binary) || statSync(binary).mtimeMs < statSync(source).mtimeMs) {
      mkdirSync(dir, { recursive: true });
      execFileSync('cc', ['-O2', '-o', binary, source]);
    }
    const sink = createSocket('udp4');
    await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
    const out = execFileSync(binary, [String(sink.address().port), '2'], { encoding: 'utf8' });
    sink.close();
    const { sent, cpuSeconds: cpu } = JSON.parse(out) as { sent: number; cpuSeconds: number };
    return { packetsPerCpuSecond: sent / cpu };
  } catch (error) {
    return { error: `no C compiler or the calibration failed: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** Resident memory of a process, from /proc (current, not the peak). */
function residentBytes(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

/** Node's garbage collector, callable without starting Node with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose_gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Memory per viewer: a WebRtcTransport on the WebRtcServer and a video and an audio consumer
 * each, on one worker. The worker's resident memory and Node's heap (after a collection) are read
 * before and after adding the viewers.
 */
async function memoryPerViewer(): Promise<{ worker: number; node: number }> {
  const worker = await mediasoup.createWorker({ logLevel: 'error', rtcMinPort: 43000, rtcMaxPort: 49999 });
  const port = await freePortRun(1);
  try {
    const webRtcServer = await worker.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', port }] });
    const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const direct = await router.createDirectTransport();
    const video = await direct.produce({ kind: 'video', rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 1111 }] } });
    const audio = await direct.produce({ kind: 'audio', rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 2222 }] } });
    const measure = () => {
      collectGarbage();
      return { worker: residentBytes(worker.pid), node: process.memoryUsage().heapUsed };
    };
    const keep: unknown[] = [];
    for (let i = 0; i < 20; i++) keep.push(await router.createWebRtcTransport({ webRtcServer })); // warm-up
    const before = measure();
    for (let i = 0; i < VIEWERS_FOR_MEMORY; i++) {
      const transport = await router.createWebRtcTransport({ webRtcServer });
      keep.push(transport, await transport.consume({ producerId: video.id, rtpCapabilities: router.rtpCapabilities, paused: true }));
      keep.push(await transport.consume({ producerId: audio.id, rtpCapabilities: router.rtpCapabilities, paused: true }));
    }
    const after = measure();
    return { worker: (after.worker - before.worker) / VIEWERS_FOR_MEMORY, node: (after.node - before.node) / VIEWERS_FOR_MEMORY };
  } finally {
    worker.close();
  }
}

/** Measures fan-out and memory; returns the figures. */
export async function measureFanout(): Promise<Map<FigureKey, Figure>> {
  const figures = new Map<FigureKey, Figure>();
  const plain = await fanOut(() => openRig(1, false));
  const srtp = await fanOut(() => openRig(1, true));
  // The busiest SRTP step the worker carried with under 1% loss.
  const good = srtp.filter((s) => s.lossPercent < 1 && s.consumers >= 100);
  const best = good.at(-1);
  if (best) {
    const usPerPacket = best.microsecondsPerPacket;
    const packetsPerCore = 1e6 / usPerPacket;
    const consumersAt80 = Math.floor((0.8 * packetsPerCore) / PACKETS_PER_SECOND);
    const plainBest = plain.filter((s) => s.lossPercent < 1).at(-1);
    const conditions =
      `one worker, one 1.44 Mbit/s VP8-shaped stream (150 packets/s of 1200 B) to ${best.consumers} PlainTransport consumers with SRTP ` +
      `(AES_CM_128_HMAC_SHA1_80), loopback, sinks in the bench's process; ${usPerPacket.toFixed(2)} µs worker CPU per forwarded packet ` +
      `(plain RTP: ${plainBest ? plainBest.microsecondsPerPacket.toFixed(2) : '?'} µs)`;
    figures.set('fanout.packetsPerSecondPerCore', { value: Math.round(packetsPerCore), unit: 'packets/s', conditions });
    figures.set('fanout.consumersPerCore', {
      value: consumersAt80,
      unit: 'consumers',
      conditions: `at 80% of one core, from the per-packet cost; measured directly: ${best.consumers} consumers at ${(100 * best.cpuFraction).toFixed(0)}% CPU; ${conditions}`,
    });
    figures.set('fanout.lossPercent', { value: Number(best.lossPercent.toFixed(2)), unit: '%', conditions: `at ${best.consumers} SRTP consumers; ${conditions}` });
    const limit = await udpLimit();
    if ('packetsPerCpuSecond' in limit) {
      figures.set('fanout.fractionOfUdpLimit', {
        value: Number((packetsPerCore / limit.packetsPerCpuSecond).toFixed(3)),
        unit: 'of raw sendto() rate',
        conditions: `SRTP fan-out ${Math.round(packetsPerCore)} packets/s per core vs ${Math.round(limit.packetsPerCpuSecond)} raw 1200-byte sendto() per CPU-second (bench/udpBlast.c)`,
      });
    } else figures.set('fanout.fractionOfUdpLimit', { value: null, reason: limit.error });
    // Our layers: the same workload with the program bus in the path, beside the bare rig, in turns.
    progress(`fan-out through the program bus beside the bare rig: ${best.consumers} SRTP consumers each`);
    const pairs = (await bareAndBus(best.consumers)).map(({ bare, bus }) => {
      // Ours: the workers' CPU and the server's Node side, which is what this process spent beyond
      // the bare rig's (the generator and the sinks cost the same in both).
      const nodeSide = Math.max(0, bus.processMicrosecondsPerPacket - bare.processMicrosecondsPerPacket);
      const ours = bus.microsecondsPerPacket + nodeSide;
      return { ratio: bare.microsecondsPerPacket / ours, bare: bare.microsecondsPerPacket, workers: bus.microsecondsPerPacket, nodeSide, loss: bus.lossPercent };
    });
    const middle = [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor(pairs.length / 2)]!;
    figures.set('fanout.overBareMediasoup', {
      value: Number(middle.ratio.toFixed(2)),
      unit: 'bare CPU per packet / ours',
      conditions:
        `median of ${pairs.length} pairs measured in turn (${pairs.map((p) => p.ratio.toFixed(2)).join(', ')}), ${best.consumers} SRTP consumers of one stream each, CPU per forwarded packet: ` +
        `bare mediasoup (a PlainTransport producer, its consumers) ${middle.bare.toFixed(2)} µs of the worker; ` +
        `through ours (an RTP feed taken to the program bus, consumers of the bus's producer) ${(middle.workers + middle.nodeSide).toFixed(2)} µs: ` +
        `${middle.workers.toFixed(2)} of the workers and ${middle.nodeSide.toFixed(2)} of the server's Node side (loss ${middle.loss.toFixed(2)}%); 1 is no cost`,
    });
    // Scaling: the same load on each of two workers at once, the stream piped from one to the other.
    const two = await twoWorkers(best.consumers);
    figures.set('fanout.twoWorkerScaling', {
      value: Number((two.forwardedPerSecond / best.forwardedPerSecond).toFixed(2)),
      unit: '× one worker',
      conditions:
        `packets/s forwarded by two workers with ${best.consumers} SRTP consumers each (loss ${two.lossPercent.toFixed(2)}%, ` +
        `busiest worker ${(100 * two.cpuFraction).toFixed(0)}% CPU) over one worker with ${best.consumers} (loss ${best.lossPercent.toFixed(2)}%)`,
    });
    // An edge's worker, its stream through the relay; the busiest worker is the edge's.
    progress('fan-out on an edge: the stream through the relay (127.0.0.2 -> 127.0.0.3)');
    const edge = (await fanOut(() => openRig(2, true, 'relay'))).filter((s) => s.lossPercent < 1 && s.consumers >= 100).at(-1);
    if (edge) {
      const edgeAt80 = Math.floor((0.8 * edge.forwardedPerSecond) / edge.cpuFraction / PACKETS_PER_SECOND);
      figures.set('cluster.viewersPerEdgeCore', {
        value: edgeAt80,
        unit: 'consumers',
        conditions:
          `SRTP video consumers one edge worker carries at 80% of a core, its stream piped from an origin worker through the cluster's relay (SRTP, 127.0.0.2 -> 127.0.0.3), from its CPU per forwarded packet; ` +
          `measured directly: ${edge.consumers} consumers at ${(100 * edge.cpuFraction).toFixed(0)}% CPU, loss ${edge.lossPercent.toFixed(2)}%; baseline, a single node's worker in the same run (fanout.consumersPerCore): ${consumersAt80}`,
      });
    } else figures.set('cluster.viewersPerEdgeCore', { value: null, reason: 'no step of 100 or more consumers on the edge stayed under 1% loss' });
  } else {
    for (const key of ['fanout.packetsPerSecondPerCore', 'fanout.consumersPerCore', 'fanout.lossPercent', 'fanout.fractionOfUdpLimit', 'fanout.overBareMediasoup', 'fanout.twoWorkerScaling', 'cluster.viewersPerEdgeCore'] as const) {
      figures.set(key, { value: null, reason: 'no SRTP step of 100 or more consumers stayed under 1% loss' });
    }
  }
  progress('memory: adding viewers');
  const perViewer = await memoryPerViewer();
  figures.set('memory.bytesPerViewer', {
    value: Math.round(perViewer.worker + perViewer.node),
    unit: 'bytes',
    conditions:
      `growth over ${VIEWERS_FOR_MEMORY} viewers (a WebRtcTransport on the WebRtcServer + a video and an audio consumer each): ` +
      `worker resident memory ${Math.round(perViewer.worker)} B + Node heap after GC ${Math.round(perViewer.node)} B per viewer`,
  });
  return figures;
}
