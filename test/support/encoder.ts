// An encoder as a studio's crew would run one: the ffmpeg command the studio page shows for an
// ingest, with a generated picture and tone in place of INPUT.
import { spawn, type ChildProcess } from 'node:child_process';
import type { IngestInfo } from '@hybrid-stage/shared';

/** The encoder's picture and sound by default: a test picture and a 1 kHz tone (lavfi outputs 0 and 1). */
export const TEST_SOURCE = 'testsrc2=size=320x180:rate=25[out0];sine=frequency=1000:sample_rate=48000[out1]';

/**
 * Runs the command shown for an ingest (or `command` made from it) for `seconds`, its errors on
 * stderr (piped), with `source` (a lavfi graph whose [out0] is the picture and [out1] the sound) as
 * INPUT. The caller kills it when done.
 */
export function runShownCommand(info: IngestInfo, { command = info.ffmpegCommand, seconds = 30, source: graph = TEST_SOURCE }: { command?: string; seconds?: number; source?: string } = {}): ChildProcess {
  if (!command.startsWith('ffmpeg -re -i INPUT ')) throw new Error(`not the shape of command the studio page shows: ${command.slice(0, 60)}`);
  const source = `-f lavfi -i "${graph}"`;
  const shell = command.replace('-i INPUT', source).replace(/^ffmpeg /, `exec ffmpeg -hide_banner -loglevel error -t ${seconds} `);
  const encoder = spawn('sh', ['-c', shell], { stdio: ['ignore', 'ignore', 'pipe'] });
  // Read, so a chatty encoder never blocks on a full pipe; a caller may listen to it as well.
  encoder.stderr!.resume();
  return encoder;
}
