import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { packetTimes, probeMedia } from '../../server/src/media/mediaProbe';

/**
 * Asserts what a player needs of a recording, even one cut short by a crash: VP8 and Opus, decoded
 * start to end without an error, every packet's time after the one before in both streams, and
 * (unless `evenAudio` is false, for tests about something else on a busy machine, where arrival
 * jitter can bunch a short file's packets) sound every 20 ms.
 */
export async function expectPlayableRecording(file: string, { evenAudio = true } = {}): Promise<void> {
  expect((await probeMedia(file)).codecs).toEqual({ video: 'vp8', audio: 'opus' });
  const decoded = spawnSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  expect(decoded.status, decoded.stderr).toBe(0);
  for (const stream of ['v:0', 'a:0'] as const) {
    const times = await packetTimes(file, stream);
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!), stream).toBe(true);
  }
  if (!evenAudio) return;
  const audio = await packetTimes(file, 'a:0');
  expect(audio.filter((t, i) => i > 0 && t - audio[i - 1]! === 20).length / audio.length).toBeGreaterThan(0.9);
}
