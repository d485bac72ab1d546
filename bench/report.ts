/** The benchmark report: figures with the conditions they were measured in, printed and saved as JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** A measured number, or null with the reason it could not be measured. */
export type Figure = { value: number; unit: string; conditions: string } | { value: null; reason: string };

/** Every figure the report carries, by dotted key (e.g. "switch.p50Ms"). */
export const FIGURE_KEYS = [
  'fanout.consumersPerCore',
  'fanout.packetsPerSecondPerCore',
  'fanout.fractionOfUdpLimit',
  'fanout.overBareMediasoup',
  'fanout.lossPercent',
  'fanout.twoWorkerScaling',
  'memory.bytesPerViewer',
  'switch.p50Ms',
  'switch.p95Ms',
  'switch.maxFreezeMs',
  'switch.unavoidableP50Ms',
  'switch.overUnavoidable',
  'join.p50Ms',
  'join.p95Ms',
  'join.minimalP50Ms',
  'join.overMinimal',
  'captions.p99Ms',
  'captions.bareBroadcastP99Ms',
  'captions.overBareBroadcast',
  'exhibition.firstRenderMs',
  'exhibition.drawCalls',
  'exhibition.emptySceneFirstRenderMs',
  'exhibition.overEmptyScene',
  'cluster.hopAddedMsP99',
  'cluster.localDeliveryMsP99',
  'cluster.edgeFailoverMs',
  'cluster.edgeJoinMs',
  'cluster.originFailoverMs',
  'cluster.captionsP99Ms',
  'cluster.captionsOriginP99Ms',
  'cluster.viewersPerEdgeCore',
  'hls.glassToGlassMs',
  'hls.captionOffsetMs',
  'hls.packagerCpuPerChannel',
  'hls.originRequestsPerSegment',
  'hls.directRequestsPerSegment',
  'hls.recordingPackagingSpeed',
  'network.turnJoinP50Ms',
  'mt.cuesPerSecond',
  'mt.batchCuesPerSecond',
  'asr.draftDelayMs',
  'asr.wordErrorRate',
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

/** Prints progress of long benchmark steps on one line per step. */
export function progress(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** The value at quantile q (0..1) of `values`, nearest-rank. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Writes `bench/results/latest.json` and a dated copy. The JSON nests figures by their dotted key
 * (`{"switch": {"p50Ms": 120, ...}}`); a figure that was not measured is null with `<name>Reason`
 * beside it, and `<name>Conditions` says how a measured one was obtained.
 */
export function writeReport(figures: Map<FigureKey, Figure>, dir: string): string {
  const cpuModel = cpus()[0]?.model ?? 'unknown';
  const report: Record<string, unknown> = {
    at: new Date().toISOString(),
    machine: { cores: availableParallelism(), cpuModel, memoryBytes: totalmem(), node: process.version },
  };
  for (const key of FIGURE_KEYS) {
    const [group, name] = key.split('.') as [string, string];
    const figure = figures.get(key) ?? { value: null, reason: 'not run (see --only)' };
    const section = (report[group] ??= {}) as Record<string, unknown>;
    section[name] = figure.value;
    if (figure.value === null) section[`${name}Reason`] = figure.reason;
    else section[`${name}Conditions`] = `${figure.conditions} (${figure.unit})`;
  }
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(join(dir, 'latest.json'), json);
  const dated = join(dir, `${(report.at as string).replace(/[:.]/g, '-')}.json`);
  writeFileSync(dated, json);

  console.log(`\nHybrid Stage benchmarks · ${availableParallelism()} cores · ${cpuModel}\n`);
  const width = Math.max(...FIGURE_KEYS.map((k) => k.length));
  for (const key of FIGURE_KEYS) {
    const figure = figures.get(key) ?? { value: null, reason: 'not run (see --only)' };
    const shown = figure.value === null ? `—  ${figure.reason}` : `${figure.value} ${figure.unit}  (${figure.conditions})`;
    console.log(`  ${key.padEnd(width)}  ${shown}`);
  }
  console.log(`\nWritten to ${join(dir, 'latest.json')} and ${dated}`);
  return dated;
}
