// A finished recording over HLS (VOD), packaged on a producer's first request: the ladder and the
// floor audio as on-demand playlists whose segments ffprobe reads and whose length is the
// recording's, a subtitle track per language that had captions, with each cue at its offset, URLs
// that work only signed, and everything gone with the recording.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import type { RecordingHls } from '@hybrid-stage/shared';
import { serverTest } from './support/fixtures';
import { attributes, getFile, probeSegment, uris } from './support/hlsFiles';

// Machine translation into Spanish only: one machine language is enough to show it reaches the tracks.
const test = serverTest({ WORKERS: '1', MT_APERTIUM_LANGUAGES: 'es' });
const scratch = mkdtempSync(join(tmpdir(), 'hybrid-stage-vod-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('packages a recording as HLS with its captions on the first request, and deletes it with the recording', async ({ server, clients }) => {
  const producer = await clients.as({ role: 'producer' });
  const desk = await clients.as({ role: 'captioner', channelId: 'main', languages: ['en', 'ja'] });
  await expect.poll(() => server.channels.bus('main').state().program, { timeout: 10_000 }).not.toBeNull();
  const started = await producer.ok('recording:start', { channelId: 'main' });
  await sleep(2000);
  const englishAt = Date.now();
  await desk.ok('captions:commit', { channelId: 'main', language: 'en', text: 'Welcome to the recorded keynote.', startMs: englishAt, endMs: englishAt + 2000 });
  await sleep(2000);
  const japaneseAt = Date.now();
  await desk.ok('captions:commit', { channelId: 'main', language: 'ja', text: '基調講演へようこそ。', startMs: japaneseAt, endMs: japaneseAt + 2000 });
  await sleep(3000);
  const recording = await producer.ok('recording:stop', { channelId: 'main' });
  expect(recording.durationMs).toBeGreaterThan(5000);

  const token = await server.access.mint({ role: 'producer' });
  const api = `/api/recordings/${recording.id}/hls`;
  const ask = async (as = token) => {
    const res = await getFile(server.url, api, { authorization: `Bearer ${as}` });
    return { status: res.status, body: JSON.parse(res.text) as RecordingHls & { error?: { code: string } } };
  };
  // Producers only, as the WebM file is.
  expect((await getFile(server.url, api)).status).toBe(401);
  expect((await ask(await server.access.mint({ role: 'viewer' }))).body.error?.code).toBe('FORBIDDEN');

  // The first request starts the packaging; later ones say how far it got, then give the URL.
  const first = await ask();
  expect(first.status).toBe(200);
  // Spanish is machine-translated from the English (Apertium).
  expect(first.body).toMatchObject({ recordingId: recording.id, status: 'packaging', captionLanguages: ['en', 'ja', 'es'] });
  expect(first.body.url).toBeUndefined();
  let ready: RecordingHls | undefined;
  await expect.poll(async () => (ready = (await ask()).body).status, { timeout: 60_000, interval: 500 }).toBe('ready');
  expect(ready!.progress).toBe(1);
  const master = new URL(ready!.url!, server.url);
  expect(master.pathname).toBe(`/vod/${recording.id}/master.m3u8`);
  expect(master.searchParams.get('signature')).toBeTruthy();

  // The master: the ladder from the recording's size, the floor audio, a track per caption language.
  const masterText = (await getFile(server.url, master.pathname + master.search)).text;
  const variants = masterText.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF')).map(attributes);
  expect(variants.map((v) => v.RESOLUTION)).toEqual(['640x360', '426x240']);
  const subtitles = masterText.split('\n').filter((l) => l.includes('TYPE=SUBTITLES')).map(attributes);
  expect(subtitles.map((s) => [s.LANGUAGE, s.NAME])).toEqual([['en', 'English'], ['ja', '日本語'], ['es', 'Español']]);

  // Every rendition: an on-demand playlist as long as the recording, every segment there, H.264 or AAC.
  const mediaUris = masterText.split('\n').filter((l) => l.startsWith('#EXT-X-MEDIA')).map((l) => attributes(l).URI!);
  const mediaPlaylists = uris([...mediaUris, masterText].join('\n'), master.pathname);
  expect(mediaPlaylists.length).toBe(6); // audio, three subtitle tracks, two renditions
  for (const playlist of mediaPlaylists.filter((p) => !p.includes('/subs/'))) {
    const text = (await getFile(server.url, playlist)).text;
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(text.trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
    const seconds = [...text.matchAll(/#EXTINF:([\d.]+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(Math.abs(seconds * 1000 - recording.durationMs!), playlist).toBeLessThan(2500);
    const segments = uris(text, playlist);
    for (const segment of segments) expect((await fetch(new URL(segment, server.url), { method: 'HEAD' })).status, segment).toBe(200);
    const probe = await probeSegment(server.url, segments[0]!, scratch);
    if (playlist.includes('/audio/')) expect(probe.streams.map((s) => s.codec_name)).toEqual(['aac']);
    else {
      expect(probe.streams.map((s) => s.codec_name)).toEqual(['h264']);
      expect(probe.firstIsKey).toBe(true);
    }
  }

  // Each language's cues at their offsets into the recording, on MPEG-TS time 0.
  const cueStart = async (language: string) => {
    const playlist = mediaPlaylists.find((p) => p.includes(`/subs/${language}/`))!;
    const vtt = (await getFile(server.url, uris((await getFile(server.url, playlist)).text, playlist)[0]!)).text;
    expect(vtt).toContain('X-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000');
    const [, minutes, seconds] = /00:(\d\d):(\d\d\.\d\d\d) -->/.exec(vtt) ?? [];
    return { vtt, startMs: Math.round((Number(minutes) * 60 + Number(seconds)) * 1000) };
  };
  const english = await cueStart('en');
  expect(english.vtt).toContain('Welcome to the recorded keynote.');
  expect(english.startMs).toBe(englishAt - started.startedAtMs);
  const japanese = await cueStart('ja');
  expect(japanese.vtt).toContain('基調講演へようこそ。');
  expect(japanese.vtt).not.toContain('Welcome');
  expect(japanese.startMs).toBe(japaneseAt - started.startedAtMs);

  // Signed URLs only, and only for this recording.
  expect((await getFile(server.url, master.pathname)).status).toBe(401);
  const other = server.access.signPath(`/vod/00000000-0000-4000-8000-000000000000/`, 60_000);
  expect((await getFile(server.url, `${master.pathname}${other.slice(other.indexOf('?'))}`)).status).toBe(401);

  // Deleted with the recording.
  const dir = server.recordingHls.dirOf(recording.id);
  expect(existsSync(dir)).toBe(true);
  await producer.ok('recording:delete', { recordingId: recording.id });
  expect(existsSync(dir)).toBe(false);
  expect((await getFile(server.url, master.pathname + master.search)).status).toBe(404);
  expect((await ask()).body.error?.code).toBe('NOT_FOUND');
});
