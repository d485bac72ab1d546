/**
 * A recording packaged as HLS on demand (RecordingPackager, as a producer's first Watch does):
 *  - hls.recordingPackagingSpeed: seconds of recording packaged per second of wall time, for a 60 s
 *    640x360 VP8/Opus WebM (the demo's picture); the baseline, in the same run, is ffmpeg only
 *    decoding the same file (no scaling, no encoding), which no packaging can beat.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingPackager } from '../server/src/hls/RecordingPackager';
import { createLogger } from '../server/src/logger';
import { progress, type Figure, type FigureKey } from './report';

const SECONDS = 60;

export async function measureHlsRecording(): Promise<Map<FigureKey, Figure>> {
  const figures = new Map<FigureKey, Figure>();
  const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-bench-vod-'));
  try {
    progress(`hls recording: a ${SECONDS} s 640x360 VP8/Opus WebM, as the recorder writes one`);
    const file = join(dir, 'recording.webm');
    execFileSync('ffmpeg', [
      '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=f=440:r=48000', '-t', String(SECONDS),
      '-c:v', 'libvpx', '-b:v', '1M', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus', '-b:a', '64k', file,
    ]);
    let started = Date.now();
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'webm', '-i', file, '-f', 'null', '-']);
    const decodeS = (Date.now() - started) / 1000;
    progress(`hls recording: decoding alone took ${decodeS.toFixed(1)} s; packaging it`);

    const packager = new RecordingPackager({ dir: join(dir, 'packaged'), logger: createLogger('error') });
    try {
      const id = '00000000-0000-4000-8000-000000000001';
      started = Date.now();
      const deadline = started + 600_000;
      for (let state = packager.request(id, file); state.status !== 'ready'; state = packager.request(id, file)) {
        if (Date.now() > deadline) throw new Error('packaging took longer than 10 minutes');
        await new Promise((r) => setTimeout(r, 100));
      }
      const packageS = (Date.now() - started) / 1000;
      progress(`hls recording: packaged in ${packageS.toFixed(1)} s`);
      figures.set('hls.recordingPackagingSpeed', {
        value: Math.round((SECONDS / packageS) * 10) / 10,
        unit: 'x real time',
        conditions: `a ${SECONDS} s 640x360 25 fps VP8/Opus WebM -> H.264 360p + 240p (superfast) + AAC, VOD segments of 2 s, ffmpeg at nice 10 on an idle machine: ${packageS.toFixed(1)} s; baseline, ffmpeg decoding the same file alone in the same run: ${(SECONDS / decodeS).toFixed(1)}x real time (packaging takes ${(packageS / decodeS).toFixed(1)}x as long)`,
      });
    } finally {
      packager.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
