/**
 * `npm run bench [-- --only switch,join]`: runs the benchmarks, prints a table and writes
 * bench/results/latest.json (and a dated copy). Figures not measured by any part are null with a reason.
 */
import { join } from 'node:path';
import { measureCaptions } from './captions';
import { measureCluster } from './cluster';
import { measureClusterFailover } from './clusterFailover';
import { measureClusterCaptions } from './clusterCaptions';
import { measureFanout } from './fanout';
import { measureHls } from './hls';
import { measureHlsCache } from './hlsCache';
import { measureHlsRecording } from './hlsRecording';
import { measureLanguages } from './languages';
import { measureNetwork } from './network';
import { measureExhibition } from './exhibition';
import { measureProgram } from './program';
import { progress, writeReport, type Figure, type FigureKey } from './report';

/** Each part and the figures it measures. */
const PARTS: Record<string, { run: () => Promise<Map<FigureKey, Figure>>; figures: FigureKey[] }> = {
  fanout: {
    run: measureFanout,
    figures: ['fanout.consumersPerCore', 'fanout.packetsPerSecondPerCore', 'fanout.fractionOfUdpLimit', 'fanout.overBareMediasoup', 'fanout.lossPercent', 'fanout.twoWorkerScaling', 'memory.bytesPerViewer', 'cluster.viewersPerEdgeCore'],
  },
  program: { run: measureProgram, figures: ['switch.p50Ms', 'switch.p95Ms', 'switch.maxFreezeMs', 'switch.unavoidableP50Ms', 'switch.overUnavoidable', 'join.p50Ms', 'join.p95Ms', 'join.minimalP50Ms', 'join.overMinimal'] },
  captions: { run: measureCaptions, figures: ['captions.p99Ms', 'captions.bareBroadcastP99Ms', 'captions.overBareBroadcast'] },
  exhibition: { run: measureExhibition, figures: ['exhibition.firstRenderMs', 'exhibition.drawCalls', 'exhibition.emptySceneFirstRenderMs', 'exhibition.overEmptyScene'] },
  cluster: { run: measureCluster, figures: ['cluster.hopAddedMsP99', 'cluster.localDeliveryMsP99'] },
  clusterFailover: { run: measureClusterFailover, figures: ['cluster.edgeFailoverMs', 'cluster.edgeJoinMs', 'cluster.originFailoverMs'] },
  clusterCaptions: { run: measureClusterCaptions, figures: ['cluster.captionsP99Ms', 'cluster.captionsOriginP99Ms'] },
  hls: { run: measureHls, figures: ['hls.glassToGlassMs', 'hls.captionOffsetMs', 'hls.packagerCpuPerChannel'] },
  hlsCache: { run: measureHlsCache, figures: ['hls.originRequestsPerSegment', 'hls.directRequestsPerSegment'] },
  hlsRecording: { run: measureHlsRecording, figures: ['hls.recordingPackagingSpeed'] },
  network: { run: measureNetwork, figures: ['network.turnJoinP50Ms'] },
  languages: { run: measureLanguages, figures: ['mt.cuesPerSecond', 'mt.batchCuesPerSecond', 'asr.draftDelayMs', 'asr.wordErrorRate'] },
};

const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? (process.argv[onlyIndex + 1] ?? '').split(',') : undefined;
// A part is chosen by its name or by the group of a figure it measures ("switch", "join").
const groupOf = (figure: FigureKey) => figure.split('.')[0]!;
const chosen = Object.entries(PARTS).filter(([name, part]) => !only || only.includes(name) || part.figures.some((f) => only.includes(groupOf(f))));
if (only && chosen.length === 0) {
  const groups = [...new Set(Object.values(PARTS).flatMap((part) => part.figures.map(groupOf)))];
  console.error(`--only ${only.join(',')}: no such part; parts: ${Object.keys(PARTS).join(', ')} (or figure groups: ${groups.join(', ')})`);
  process.exit(2);
}

const figures = new Map<FigureKey, Figure>();
for (const [name, part] of chosen) {
  progress(`part ${name}`);
  try {
    for (const [key, figure] of await part.run()) figures.set(key, figure);
  } catch (error) {
    const reason = `part ${name} failed: ${(error as Error).message.split('\n')[0]}`;
    console.error(reason);
    for (const key of part.figures) figures.set(key, { value: null, reason });
  }
}
writeReport(figures, join(import.meta.dirname, 'results'));
process.exit(0);
