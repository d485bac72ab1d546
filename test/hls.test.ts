// HLS end to end on the real server: the main channel's program through ffmpeg as an H.264 ladder
// with AAC floor audio, playlists that parse, segments ffprobe reads (codec, size, a keyframe
// first), WebVTT subtitle playlists per caption language carrying what desks type, on the video's
// clock; a take and a failover that do not stop the packager; strict paths; and at a registered
// event, signed URLs and a packager started by the first pull.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import type { Language } from '@hybrid-stage/shared';
import { HlsRegistry } from '../server/src/hls/HlsRegistry';
import { createLogger } from '../server/src/logger';
import { serverTest } from './support/fixtures';
import { attributes, getFile, probeSegment as probeAt, uris } from './support/hlsFiles';
import { startRegisteredEventServer } from './support/registeredEvent';
import { rawGet, transportCount, type TestClient, type TestServer } from './support/server';

// No grace for dropped clients: a viewer who leaves gives its WebRTC seat back at once.
const test = serverTest({ WORKERS: '1', HLS_CHANNELS: 'main', MAX_WEBRTC_VIEWERS: '1', CLIENT_GRACE_MS: '0' });
const scratch = mkdtempSync(join(tmpdir(), 'hybrid-stage-hls-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const feedOf = (server: TestServer, studioId: string) => server.feeds.feeds.find((f) => f.studioId === studioId && f.source === 'test-pattern')!;

/** GET a path of the server. */
const get = (server: TestServer, path: string, headers: Record<string, string> = {}) => getFile(server.url, path, headers);
const probeSegment = (server: TestServer, path: string) => probeAt(server.url, path, scratch);

/** A media playlist with at least `min` segments, and its newest segment's path. */
async function mediaPlaylist(server: TestServer, path: string, min = 2) {
  let text = '';
  await expect
    .poll(async () => {
      text = (await get(server, path)).text;
      return uris(text, path).length;
    }, { timeout: 20_000, interval: 500 })
    .toBeGreaterThanOrEqual(min);
  const sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)![1]);
  return { text, newest: uris(text, path).at(-1)!, last: sequence + uris(text, path).length - 1 };
}

describe('the packager', () => {
  test('writes a valid master playlist, a ladder ffprobe reads, and subtitle playlists with what desks type', async ({ server, clients }) => {
    const cueAt = Date.now();
    const texts: Partial<Record<Language, string>> = { en: 'Welcome to the stream for everyone.', ja: 'みなさんの配信へようこそ。' };
    for (const [language, text] of Object.entries(texts) as Array<[Language, string]>) {
      const desk = await clients.as({ role: 'captioner', channelId: 'main', languages: [language] });
      // Up for 30 s, the longest a cue may be: still in the subtitle window when the segments are probed.
      await desk.ok('captions:commit', { channelId: 'main', language, startMs: cueAt, endMs: cueAt + 30_000, text });
    }

    const master = await get(server, '/hls/main/master.m3u8');
    expect(master.status).toBe(200);
    expect(master.type).toMatch(/^application\/vnd\.apple\.mpegurl/);
    expect(master.cache).toBe('public, max-age=2');
    const lines = master.text.trim().split('\n');
    expect(lines[0]).toBe('#EXTM3U');
    const subtitles = lines.filter((l) => l.startsWith('#EXT-X-MEDIA:TYPE=SUBTITLES')).map(attributes);
    // English and Japanese from the desks (Spanish too, when Apertium's translation came first).
    const byLanguage = Object.fromEntries(subtitles.map((s) => [s.LANGUAGE, s]));
    expect(byLanguage.en).toMatchObject({ NAME: 'English', DEFAULT: 'YES', AUTOSELECT: 'YES', 'GROUP-ID': 'subs' });
    expect(byLanguage.ja).toMatchObject({ NAME: '日本語', DEFAULT: 'NO', 'GROUP-ID': 'subs' });
    expect(subtitles.filter((s) => s.DEFAULT === 'YES')).toHaveLength(1);
    const audio = lines.filter((l) => l.startsWith('#EXT-X-MEDIA:TYPE=AUDIO')).map(attributes);
    expect(audio).toHaveLength(1);
    const variants = lines.flatMap((l, i): Array<Record<string, string>> => (l.startsWith('#EXT-X-STREAM-INF:') ? [{ ...attributes(l), uri: `/hls/main/${lines[i + 1]}` }] : []));
    // The test patterns are 640x360: 360p and 240p, no upscale.
    expect(variants.map((v) => v.RESOLUTION)).toEqual(['640x360', '426x240']);
    for (const v of variants) expect(v).toMatchObject({ AUDIO: audio[0]!['GROUP-ID'], SUBTITLES: 'subs' });

    let videoEndS = 0;
    /** Each variant's newest segment: the date its playlist gives it, and its first PTS as ffprobe reads it. */
    const dated: Array<{ dateMs: number; startS: number }> = [];
    for (const variant of variants) {
      const playlist = await mediaPlaylist(server, variant.uri!);
      expect(playlist.text).toContain('#EXT-X-TARGETDURATION:2');
      for (const d of [...playlist.text.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]))) expect(d).toBeLessThanOrEqual(2.5);
      const probe = await probeSegment(server, playlist.newest);
      const video = probe.streams.find((s) => s.codec_name === 'h264');
      expect(`${video?.width}x${video?.height}`).toBe(variant.RESOLUTION);
      expect(probe.firstIsKey, 'a segment starts with a keyframe').toBe(true);
      videoEndS = probe.startS + probe.durationS;
      const dates = [...playlist.text.matchAll(/#EXT-X-PROGRAM-DATE-TIME:(\S+)/g)].map((m) => Date.parse(m[1]!));
      dated.push({ dateMs: dates.at(-1)!, startS: probe.startS });
    }
    const fetchedAt = Date.now();
    const audioPlaylist = await mediaPlaylist(server, `/hls/main/${audio[0]!.URI}`);
    expect((await probeSegment(server, audioPlaylist.newest)).streams.map((s) => s.codec_name)).toEqual(['aac']);

    for (const [language, text] of Object.entries(texts) as Array<[Language, string]>) {
      const path = `/hls/main/subs/${language}/index.m3u8`;
      let segment = '';
      await expect
        .poll(async () => {
          const playlist = await get(server, path);
          expect(playlist.type).toMatch(/^application\/vnd\.apple\.mpegurl/);
          for (const uri of uris(playlist.text, path)) {
            const vtt = await get(server, uri);
            if (vtt.text.includes(text)) {
              expect(vtt.type).toMatch(/^text\/vtt/);
              expect(vtt.cache).toBe('public, max-age=31536000, immutable');
              segment = vtt.text;
            }
          }
          return segment;
        }, { timeout: 20_000, interval: 500 })
        .toContain(text);
      expect(segment).toMatch(/^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:\d+,LOCAL:\d\d:\d\d:\d\d\.\d{3}\n/);
      // The cue's time on the media clock tells the clock's epoch; the newest video segment, on the
      // same clock, ended a moment before it was fetched (not 1.4 s later: no muxer delay).
      const [h, m, s] = /\n(\d\d):(\d\d):(\d\d\.\d{3}) --> /.exec(segment)!.slice(1).map(Number) as [number, number, number];
      const epochMs = cueAt - (h * 3600 + m * 60 + s) * 1000;
      expect(epochMs + videoEndS * 1000).toBeLessThan(fetchedAt + 300);
      expect(epochMs + videoEndS * 1000).toBeGreaterThan(fetchedAt - 6000);
      // A segment's EXT-X-PROGRAM-DATE-TIME is when its first frame was on the program (the epoch
      // plus its PTS), not when ffmpeg happened to open it, so a player's "behind live" reads true.
      for (const { dateMs, startS } of dated) expect(Math.abs(dateMs - (epochMs + startS * 1000))).toBeLessThan(5);
    }
  });

  test('goes on through a take and a failover to the backup, the same ffmpeg writing new segments', async ({ server, producer }) => {
    const pid = server.hls.packagerPid('main');
    expect(pid).toBeGreaterThan(0);
    const moscow = feedOf(server, 'moscow');
    const singapore = feedOf(server, 'singapore');
    const before = await mediaPlaylist(server, '/hls/main/360p/index.m3u8');
    await producer.take('main', moscow.id);
    await producer.ok('program:backup', { channelId: 'main', feedId: singapore.id });
    const failedOver = producer.next('channel:changed', (c) => c.id === 'main' && c.program === singapore.id);
    for (const { producer: p } of moscow.tracks) await p.pause();
    try {
      await failedOver;
      await expect.poll(async () => (await mediaPlaylist(server, '/hls/main/360p/index.m3u8')).last, { timeout: 15_000, interval: 500 }).toBeGreaterThan(before.last + 2);
      expect(server.hls.packagerPid('main')).toBe(pid);
      const newest = await mediaPlaylist(server, '/hls/main/240p/index.m3u8');
      expect((await probeSegment(server, newest.newest)).firstIsKey).toBe(true);
    } finally {
      for (const { producer: p } of moscow.tracks) await p.resume();
    }
  });

  test('starts ffmpeg again when it dies, on the same clock: the playlists go on after a discontinuity', async ({ server }) => {
    const path = '/hls/main/360p/index.m3u8';
    const before = await mediaPlaylist(server, path);
    const pid = server.hls.packagerPid('main')!;
    const { epochMs } = server.hls.live('main')!.clock;
    process.kill(pid, 'SIGKILL');
    await expect.poll(() => server.hls.packagerPid('main') ?? pid, { timeout: 20_000, interval: 250 }).not.toBe(pid);
    expect(server.hls.live('main')!.clock.epochMs).toBe(epochMs);
    let after = before;
    await expect
      .poll(async () => (after = await mediaPlaylist(server, path)).last, { timeout: 20_000, interval: 500 })
      .toBeGreaterThan(before.last + 1);
    expect(after.text).toContain('#EXT-X-DISCONTINUITY');
    // The numbering goes on under the same clock's names (none a cache already keeps).
    for (const uri of uris(after.text, path)) expect(uri).toMatch(new RegExp(`/${Math.floor(epochMs / 1000)}-\\d+\\.ts$`));
    expect((await probeSegment(server, after.newest)).firstIsKey).toBe(true);
  });

  test('a channel pulled on demand stops, and its files go, once nobody pulls it', async ({ server }) => {
    // A registry of its own on the same channels, with a short idle time (no longer than a first
    // pull may wait, or the pull would see its packager stopped under it).
    const registry = await HlsRegistry.start({
      channels: server.channels,
      captions: server.captions,
      dir: join(scratch, 'on-demand'),
      alwaysOn: [],
      idleMs: 12_000,
      logger: createLogger('warn'),
    });
    try {
      expect(registry.packaging).toEqual([]);
      await registry.pull('main');
      expect(registry.packagerPid('main')).toBeGreaterThan(0);
      expect(existsSync(join(registry.dirOf('main'), '360p', 'index.m3u8'))).toBe(true);
      await expect.poll(() => registry.packaging, { timeout: 30_000, interval: 500 }).toEqual([]);
      expect(existsSync(registry.dirOf('main'))).toBe(false);
    } finally {
      registry.close();
    }
  });

  test('refuses paths outside the ladder, unknown channels and traversal', async ({ server }) => {
    expect((await get(server, '/hls/main/720p/index.m3u8')).status).toBe(404); // not in a 360p ladder
    // As sent, not normalised by a URL parser on the way.
    expect((await rawGet(server.url, '/hls/main/360p/../../hybrid-stage.db')).status).toBe(400);
    expect((await get(server, '/hls/main/360p/%2e%2e%2fprogram.sdp')).status).toBe(400);
    expect((await get(server, '/hls/main/program.sdp')).status).toBe(404);
    expect((await get(server, '/hls/main/subs/xx/index.m3u8')).status).toBe(404);
    expect((await get(server, '/hls/nowhere/master.m3u8')).status).toBe(404);
    const missing = await get(server, '/hls/main/360p/1-999999.ts');
    expect(missing.status).toBe(404);
    expect(missing.cache).toBe('no-store');
  });
});

describe('MAX_WEBRTC_VIEWERS', () => {
  test('takes that many viewers over WebRTC, refuses the next with SERVER_FULL (their page plays HLS), never a producer', async ({ server, clients, producer }) => {
    // As the watch page joins: one request makes the receive transport with the consumers.
    const join = async (client: TestClient) => {
      const { rtpCapabilities } = await client.ok('media:capabilities', {});
      return client.request('program:consume', { channelId: 'main', rtpCapabilities });
    };
    // As the console watches: on a transport it made before.
    const watch = async (client: TestClient) => {
      const { rtpCapabilities } = await client.ok('media:capabilities', {});
      const transport = await client.ok('transport:create', { direction: 'recv' });
      return client.request('program:consume', { channelId: 'main', transportId: transport.id, rtpCapabilities });
    };
    const first = await clients.connect();
    const joined = await join(first);
    expect(joined.ok && [typeof joined.data.transport?.id, joined.data.consumers.map((c) => c.kind).sort()]).toEqual(['string', ['audio', 'video']]);
    const second = await clients.connect();
    const before = await transportCount(server);
    const refused = await join(second);
    expect(refused.ok ? undefined : refused.error.code).toBe('SERVER_FULL');
    // The transport made for the refused join went with it.
    expect(await transportCount(server)).toBe(before);
    expect((await watch(producer)).ok).toBe(true);
    // The first viewer leaves: its seat goes to the next.
    first.close();
    await expect.poll(async () => (await join(second)).ok, { timeout: 10_000, interval: 500 }).toBe(true);
  });
});

describe('at an event that asks viewers to register', () => {
  test('HLS URLs are signed, carried on by the playlists, and the first pull starts the packager', async () => {
    const server = await startRegisteredEventServer({ HLS_CHANNELS: '' });
    try {
      expect(server.hls.packaging).toEqual([]);
      expect((await get(server, '/hls/main/master.m3u8')).status).toBe(401);
      expect((await get(server, '/api/hls/main')).status).toBe(401);
      const token = await server.access.mint({ role: 'viewer' });
      const source = JSON.parse((await get(server, '/api/hls/main', { authorization: `Bearer ${token}` })).text) as { url: string };
      expect(source.url).toMatch(/^\/hls\/main\/master\.m3u8\?expires=\d+&signature=[\w-]+$/);
      const query = source.url.slice(source.url.indexOf('?'));

      const master = await get(server, source.url);
      expect(master.status).toBe(200);
      expect(server.hls.packaging).toEqual(['main']);
      const variant = uris(master.text, '/hls/main/master.m3u8')[0]!;
      expect(variant.endsWith(query)).toBe(true);
      const playlist = await mediaPlaylist(server, variant);
      expect(playlist.newest.endsWith(query)).toBe(true);
      expect((await get(server, playlist.newest)).status).toBe(200);
      expect((await get(server, playlist.newest.replace(/signature=[\w-]+/, 'signature=forged'))).status).toBe(401);
      expect((await get(server, playlist.newest.slice(0, playlist.newest.indexOf('?')))).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
