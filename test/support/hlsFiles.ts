// Reading HLS as a player and a checker would: files fetched over HTTP, playlists' URIs and
// attributes, segments handed to ffprobe.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/** GET a path of a server; the body as text and bytes, with the headers a cache reads. */
export async function getFile(baseUrl: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(new URL(path, baseUrl), { headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), cache: res.headers.get('cache-control'), text: bytes.toString('utf8'), bytes };
}

/** The URI lines of a playlist, resolved against its own path (path and query). */
export function uris(playlist: string, base: string): string[] {
  return playlist
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => new URL(l, `http://x${base}`).pathname + new URL(l, `http://x${base}`).search);
}

/** An attribute list of a playlist tag (KEY=value,KEY="quoted, value"). */
export function attributes(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of line.slice(line.indexOf(':') + 1).matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) out[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  return out;
}

function ffprobe(file: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) =>
    execFile('ffprobe', ['-v', 'error', '-of', 'json', ...args, file], { timeout: 15_000 }, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout)))),
  );
}

/** Fetches a segment into `scratch` and asks ffprobe what is in it (an immutable MPEG-TS segment, or the test fails). */
export async function probeSegment(baseUrl: string, path: string, scratch: string) {
  const segment = await getFile(baseUrl, path);
  expect(segment.status, path).toBe(200);
  expect(segment.type).toBe('video/mp2t');
  expect(segment.cache).toBe('public, max-age=31536000, immutable');
  const file = join(scratch, path.replace(/\W/g, '_').slice(0, 200));
  writeFileSync(file, segment.bytes);
  const { streams } = (await ffprobe(file, ['-show_streams'])) as { streams: Array<{ codec_name: string; width?: number; height?: number }> };
  const { format } = (await ffprobe(file, ['-show_entries', 'format=start_time,duration'])) as { format: { start_time: string; duration: string } };
  const { frames } = (await ffprobe(file, ['-select_streams', 'v:0', '-read_intervals', '%+#1', '-show_entries', 'frame=key_frame'])) as { frames: Array<{ key_frame: number }> };
  return { streams, startS: Number(format.start_time), durationS: Number(format.duration), firstIsKey: frames[0]?.key_frame === 1 };
}
