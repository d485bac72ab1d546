// The cinema with the real server: demo films made by ffmpeg at first start, served with range
// requests and WebVTT tracks; admins add films by placing files or uploading them; no request
// reaches a file outside the films directory.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FilmInfo } from '@hybrid-stage/shared';
import { probeMedia } from '../server/src/media/mediaProbe';
import { rawGet, startTestServer, type TestServer } from './support/server';

let server: TestServer;
let filmsDir: string;
let producerToken: string;

beforeAll(async () => {
  server = await startTestServer({ DEMO_FILMS: 'true', WORKERS: '1', TEST_PATTERNS: 'false', FILM_MAX_MB: '5' });
  filmsDir = join(server.dataDir, 'films');
  producerToken = await server.access.mint({ role: 'producer' });
}, 120_000);

afterAll(async () => {
  await server?.close();
});

const films = async () => (await (await fetch(`${server.url}/api/films`)).json()) as FilmInfo[];


describe('the cinema', () => {
  it('makes three short demo films with caption tracks at first start', async () => {
    await expect.poll(async () => (await films()).length, { timeout: 90_000, interval: 1000 }).toBe(3);
    for (const film of await films()) {
      expect(film.type).toBe('video/webm');
      expect(film.durationMs).toBeGreaterThan(9000);
      expect(film.durationMs).toBeLessThan(11_000);
      expect(film.tracks.length).toBeGreaterThanOrEqual(3);
      expect(film.tracks.some((t) => t.language === 'en')).toBe(true);
      const probe = await probeMedia(join(filmsDir, `${film.id}.webm`));
      expect(probe.codecs).toEqual({ video: 'vp8', audio: 'opus' });
    }
  }, 120_000);

  it('serves a film with range requests, and its WebVTT tracks', async () => {
    const film = (await films()).find((f) => f.id === 'headquarters-tour')!;
    const bytes = readFileSync(join(filmsDir, 'headquarters-tour.webm'));
    const part = await fetch(`${server.url}${film.src}`, { headers: { Range: 'bytes=100-1123' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-1123/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 1124))).toBe(true);
    // A range past the end is 416 with the file's size, so the player asks again: the file is there.
    const beyond = await fetch(`${server.url}${film.src}`, { headers: { Range: `bytes=${bytes.length + 10}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    expect((await beyond.json()).error.code).toBe('INVALID_REQUEST');
    const ja = film.tracks.find((t) => t.language === 'ja')!;
    expect(ja.label).toBe('日本語');
    const vtt = await fetch(`${server.url}${ja.src}`);
    expect(vtt.headers.get('content-type')).toMatch(/^text\/vtt/);
    expect(await vtt.text()).toMatch(/^WEBVTT[\s\S]*本社へようこそ。/);
  });

  it('lists films an admin places in the directory or uploads', async () => {
    copyFileSync(join(filmsDir, 'growing-together.webm'), join(filmsDir, 'by-hand.webm'));
    copyFileSync(join(filmsDir, 'growing-together.en.vtt'), join(filmsDir, 'by-hand.fr.vtt'));
    const placed = (await films()).find((f) => f.id === 'by-hand')!;
    expect(placed).toMatchObject({ title: 'by hand', tracks: [{ language: 'fr', label: 'Français' }] });

    const auth = { Authorization: `Bearer ${producerToken}` };
    const video = readFileSync(join(filmsDir, 'factory-of-the-future.webm'));
    const uploaded = await fetch(`${server.url}/api/films/partner-story/video`, { method: 'PUT', headers: { ...auth, 'Content-Type': 'video/webm' }, body: video });
    expect(uploaded.status).toBe(201);
    const track = await fetch(`${server.url}/api/films/partner-story/captions/es.vtt`, {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'text/vtt' },
      body: 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nHola, socios.\n',
    });
    expect(track.status).toBe(201);
    const details = await fetch(`${server.url}/api/films/partner-story`, {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'A partner story', description: 'Uploaded in a test.' }),
    });
    expect(details.status).toBe(200);
    const film = (await films()).find((f) => f.id === 'partner-story')!;
    expect(film).toMatchObject({ title: 'A partner story', tracks: [{ language: 'es' }] });
    expect(Buffer.from(await (await fetch(`${server.url}${film.src}`)).arrayBuffer()).equals(video)).toBe(true);
  });

  it('refuses bad uploads and changes nothing', async () => {
    const before = await films();
    const put = (path: string, headers: Record<string, string>, body: BodyInit) => fetch(`${server.url}/api/films/${path}`, { method: 'PUT', headers, body });
    const auth = { Authorization: `Bearer ${producerToken}` };
    const viewer = { Authorization: `Bearer ${await server.access.mint({ role: 'viewer' })}` };
    const video = readFileSync(join(filmsDir, 'headquarters-tour.webm'));
    const code = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];

    expect(await code(await put('junk/video', { 'Content-Type': 'video/webm' }, video))).toEqual([401, 'UNAUTHORIZED']);
    expect(await code(await put('junk/video', { ...viewer, 'Content-Type': 'video/webm' }, video))).toEqual([403, 'FORBIDDEN']);
    // Not a video, not a video type, a bad id, too large (FILM_MAX_MB=5).
    expect(await code(await put('junk/video', { ...auth, 'Content-Type': 'video/webm' }, 'this is not a film'))).toEqual([400, 'INVALID_REQUEST']);
    expect(await code(await put('junk/video', { ...auth, 'Content-Type': 'text/html' }, video))).toEqual([400, 'INVALID_REQUEST']);
    expect(await code(await put('Bad.Id/video', { ...auth, 'Content-Type': 'video/webm' }, video))).toEqual([400, 'INVALID_REQUEST']);
    expect(await code(await put('junk/video', { ...auth, 'Content-Type': 'video/webm' }, Buffer.alloc(6_000_000)))).toEqual([400, 'INVALID_REQUEST']);
    // A playlist named as a video: probed as a playlist, it would open the local file it names (a
    // video outside the films directory, here) and be taken as a film that plays that file.
    const outside = join(server.dataDir, 'outside.mp4');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=10', '-t', '1', '-c:v', 'libx264', outside]);
    const playlist = `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:1.0,\nfile://${outside}\n#EXT-X-ENDLIST\n`;
    for (const type of ['video/webm', 'video/mp4']) {
      expect(await code(await put('junk/video', { ...auth, 'Content-Type': type }, playlist)), type).toEqual([400, 'INVALID_REQUEST']);
    }
    // Captions that are not WebVTT, in an unknown language, or for a film that does not exist.
    expect(await code(await put('headquarters-tour/captions/de.vtt', { ...auth, 'Content-Type': 'text/vtt' }, 'not webvtt'))).toEqual([400, 'INVALID_REQUEST']);
    expect(await code(await put('headquarters-tour/captions/xx.vtt', { ...auth, 'Content-Type': 'text/vtt' }, 'WEBVTT\n'))).toEqual([400, 'INVALID_REQUEST']);
    expect(await code(await put('nothing-here/captions/de.vtt', { ...auth, 'Content-Type': 'text/vtt' }, 'WEBVTT\n'))).toEqual([404, 'NOT_FOUND']);
    // Details with unknown keys or no title.
    expect(await code(await put('headquarters-tour', { ...auth, 'Content-Type': 'application/json' }, JSON.stringify({ title: 'x', admin: true })))).toEqual([400, 'INVALID_REQUEST']);
    expect(await code(await put('headquarters-tour', { ...auth, 'Content-Type': 'application/json' }, JSON.stringify({ title: '' })))).toEqual([400, 'INVALID_REQUEST']);
    expect(await films()).toEqual(before);
  });

  it('serves no file from outside the films directory, whatever the path says', async () => {
    // A link an admin (or an attacker with a foothold) left in the directory is not followed either.
    symlinkSync(join(server.dataDir, 'hybrid-stage.db'), join(filmsDir, 'leak.webm'));
    const before = await films();
    expect(before.some((f) => f.id === 'leak')).toBe(false);
    const attempts = [
      '/api/films/files/../hybrid-stage.db',
      '/api/films/files/../../etc/passwd',
      '/api/films/files/..%2fhybrid-stage.db',
      '/api/films/files/%2e%2e/hybrid-stage.db',
      '/api/films/files/%2e%2e%2fhybrid-stage.db',
      '/api/films/files/%252e%252e%252fhybrid-stage.db',
      '/api/films/files/..%5chybrid-stage.db',
      '/api/films/files/..\\hybrid-stage.db',
      '/api/films/files/%2e%2e%5c%2e%2e%5cetc%5cpasswd',
      '/api/films/files/headquarters-tour.webm%00.vtt',
      '/api/films/files/%00',
      '/api/films/files/%',
      '/api/films/files/access-token.key',
      '/api/films/files/leak.webm',
      '/api/films/files/.headquarters-tour.webm',
      '/api/films/files//etc/passwd',
      '/api/films/..%2fhybrid-stage.db',
      '/api/films/%2e%2e',
      '/api/films/files',
    ];
    for (const path of attempts) {
      const { status, body } = await rawGet(server.url, path);
      expect([400, 404], path).toContain(status);
      const parsed = JSON.parse(body) as { error: { code: string } };
      expect(['INVALID_REQUEST', 'NOT_FOUND'], path).toContain(parsed.error.code);
      expect(body, path).not.toContain('SQLite format');
      expect(body, path).not.toContain('root:');
    }
    expect(await films()).toEqual(before);
  });
});
