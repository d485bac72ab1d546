// Captions end to end on the real server: desks and the ingest API write, viewers receive only
// their language, corrections replace text, Apertium drafts Spanish, WebVTT round-trips, and
// everything is still there after a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webvtt, { type VttNode } from 'webvtt-parser';
import htmlEntities from 'webvtt-parser/html-entities.json' with { type: 'json' };
import type { AgendaSession, Cue, Language } from '@hybrid-stage/shared';
import { startTestServer, TestClient, type TestServer } from './support/server';

const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-captions-'));
let server: TestServer;
let session: AgendaSession;

async function start() {
  server = await startTestServer({ DATA_DIR: dataDir, TEST_PATTERNS: 'false', WORKERS: '1' });
  const viewer = await TestClient.connect(server.url);
  const now = Date.now();
  session = (await viewer.ok('event:get', {})).sessions.find(
    (s) => s.channelId === 'main' && Date.parse(s.startsAt) <= now && now < Date.parse(s.endsAt),
  )!;
  viewer.close();
}

beforeAll(start);

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A viewer socket watching one language of the main channel, collecting what arrives. */
async function viewerOf(language: Language) {
  const client = await TestClient.connect(server.url);
  const received: Cue[] = [];
  client.socket.on('captions:cue', (cue) => received.push(cue));
  const { cues } = await client.ok('captions:join', { channelId: 'main', language });
  return { client, received, joined: cues };
}

const desk = (language: Language, channelId = 'main') => TestClient.connectAs(server, { role: 'captioner', channelId, languages: [language] });
const cueNow = (text: string) => ({ startMs: Date.now() - 1500, endMs: Date.now() + 1500, text });
const settle = () => new Promise((r) => setTimeout(r, 300));

function vttTexts(vtt: string): { errors: unknown[]; texts: string[] } {
  const tree = new webvtt.WebVTTParser(htmlEntities).parse(vtt, 'subtitles');
  const flat = (n: VttNode): string => (n.type === 'text' ? (n.value ?? '') : (n.children ?? []).map(flat).join(''));
  return { errors: tree.errors, texts: tree.cues.map((c) => flat(c.tree)) };
}

describe('distribution', () => {
  it('sends each desk cue only to viewers of its language', async () => {
    const viewers = { en: await viewerOf('en'), ja: await viewerOf('ja'), ar: await viewerOf('ar'), de: await viewerOf('de') };
    const texts = { en: 'Welcome to the partner conference.', ja: 'パートナー会議へようこそ。', ar: 'مرحبا بكم في مؤتمر الشركاء.' };
    for (const [language, text] of Object.entries(texts) as Array<[Language, string]>) {
      const writer = await desk(language);
      const cue = await writer.ok('captions:commit', { channelId: 'main', language, ...cueNow(text) });
      expect(cue).toMatchObject({ language, text, revision: 1, source: 'desk', status: 'live', sessionId: session.id });
      writer.close();
    }
    await settle();
    expect(viewers.en.received.map((c) => c.text)).toEqual([texts.en]);
    expect(viewers.ja.received.map((c) => c.text)).toEqual([texts.ja]);
    expect(viewers.ar.received.map((c) => c.text)).toEqual([texts.ar]);
    expect(viewers.de.received).toEqual([]);
    for (const v of Object.values(viewers)) v.client.close();
  });

  it('replaces a corrected cue in place: same id, next revision', async () => {
    const viewer = await viewerOf('ja');
    const writer = await desk('ja');
    const cue = await writer.ok('captions:commit', { channelId: 'main', language: 'ja', ...cueNow('新しい製品を紹介しす。') });
    const fixed = await writer.ok('captions:correct', { cueId: cue.id, text: '新しい製品を紹介します。' });
    expect(fixed).toMatchObject({ id: cue.id, revision: 2, text: '新しい製品を紹介します。' });
    await settle();
    expect(viewer.received.map((c) => [c.id, c.revision])).toEqual([
      [cue.id, 1],
      [cue.id, 2],
    ]);
    writer.close();
    viewer.client.close();
  });

  it('gives a late joiner the last cues of the session on air', async () => {
    const late = await viewerOf('ja');
    expect(late.joined.map((c) => c.text)).toEqual(['パートナー会議へようこそ。', '新しい製品を紹介します。']);
    late.client.close();
  });
});

describe('the ingest API', () => {
  it('is idempotent by the provider cue id and turns changed text into a correction', async () => {
    // Russian: no machine translation reaches it, so the viewer gets the provider's cues alone.
    const viewer = await viewerOf('ru');
    const token = await server.access.mint({ role: 'captioner', channelId: 'main', languages: ['ru'] });
    const post = (cues: unknown[]) =>
      fetch(`${server.url}/api/channels/main/captions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ cues }),
      });
    const now = Date.now();
    const batch = [
      { id: 'asr-1', language: 'ru', startMs: now - 2000, endMs: now, text: 'Добро пожаловать на конференцию.' },
      { id: 'asr-2', language: 'ru', startMs: now, endMs: now + 2000, text: 'Вот наши новые продукты.' },
    ];
    const first = await (await post(batch)).json();
    expect(first.results.map((r: { outcome: string }) => r.outcome)).toEqual(['created', 'created']);
    const again = await (await post(batch)).json();
    expect(again.results.map((r: { outcome: string }) => r.outcome)).toEqual(['unchanged', 'unchanged']);
    const fixed = await (await post([{ ...batch[1], text: 'Вот наши совсем новые продукты.' }])).json();
    expect(fixed.results[0]).toMatchObject({ outcome: 'corrected', revision: 2, cueId: first.results[1].cueId });
    await settle();
    expect(viewer.received.map((c) => c.text)).toEqual(['Добро пожаловать на конференцию.', 'Вот наши новые продукты.', 'Вот наши совсем новые продукты.']);
    viewer.client.close();
  });

  it('refuses a cue with a field it does not know, over HTTP and the socket, and stores nothing of the batch', async () => {
    const viewer = await viewerOf('ko');
    const token = await server.access.mint({ role: 'captioner', channelId: 'main', languages: ['ko'] });
    const now = Date.now();
    const good = { id: 'strict-1', language: 'ko', startMs: now, endMs: now + 1000, text: '안녕하세요.' };
    const odd = { id: 'strict-2', language: 'ko', startMs: now + 1000, endMs: now + 2000, text: '반갑습니다.', speaker: 'Kim' };
    const response = await fetch(`${server.url}/api/channels/main/captions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cues: [good, odd] }),
    });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toContain('speaker');
    const provider = await desk('ko');
    expect(await provider.raw('captions:ingest', { channelId: 'main', cues: [good, odd] })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    provider.close();
    await settle();
    expect(viewer.received).toEqual([]);
    viewer.client.close();
    const again = await viewerOf('ko');
    expect(again.joined).toEqual([]);
    again.client.close();
  });

  it('has a socket variant for low latency', async () => {
    // Chinese: no machine translation reaches it, so the viewer gets the provider's cue alone.
    const viewer = await viewerOf('zh');
    const provider = await desk('zh');
    const now = Date.now();
    const { results } = await provider.ok('captions:ingest', { channelId: 'main', cues: [{ id: 'live-1', language: 'zh', startMs: now, endMs: now + 1000, text: '欢迎。' }] });
    expect(results[0]).toMatchObject({ outcome: 'created' });
    await settle();
    expect(viewer.received.map((c) => c.text)).toEqual(['欢迎。']);
    provider.close();
    viewer.client.close();
  });
});

describe('machine translation', () => {
  it('translates English with Apertium into Spanish, and through the Spanish into Portuguese, Italian and French', { timeout: 60_000 }, async () => {
    const languages = ['es', 'pt', 'it', 'fr'] as const;
    const viewers = await Promise.all(languages.map((language) => viewerOf(language)));
    const writer = await desk('en');
    const english = await writer.ok('captions:commit', { channelId: 'main', language: 'en', ...cueNow('Welcome to the conference. Our new products are ready.') });
    // The first cue starts each pair's pipeline (dictionaries loaded): seconds on a loaded machine.
    for (const viewer of viewers) await expect.poll(() => viewer.received.length, { timeout: 30_000 }).toBe(1);
    const [spanish, portuguese, italian, french] = viewers.map((v) => v.received[0]!);
    for (const [i, cue] of [spanish, portuguese, italian, french].entries()) {
      expect(cue).toMatchObject({ language: languages[i], source: 'machine', translatedFrom: english.id, startMs: english.startMs });
    }
    expect(spanish!.text).toMatch(/conferencia/);
    expect(spanish!.text).toMatch(/productos/);
    expect(portuguese!.text).toMatch(/conferência/);
    expect(portuguese!.text).toMatch(/produtos/);
    expect(italian!.text).toMatch(/conferenza/);
    expect(italian!.text).toMatch(/prodotti/);
    expect(french!.text).toMatch(/conférence/);
    expect(french!.text).toMatch(/produits/);
    writer.close();
    for (const viewer of viewers) viewer.client.close();
  });
});

describe('WebVTT', () => {
  it('exports a session with hard characters escaped, and a WebVTT parser reads back the same cues', async () => {
    const writer = await desk('de');
    const hard = ['Preis < 100 € & mehr', 'A --> B', 'Zeile eins\nZeile zwei'];
    // A millisecond apart at least, so the file's order is theirs (two commits in one millisecond would tie).
    const at = Date.now();
    for (const [i, text] of hard.entries()) {
      await writer.ok('captions:commit', { channelId: 'main', language: 'de', startMs: at - 1500 + i, endMs: at + 1500 + i, text });
    }
    writer.close();
    const response = await fetch(`${server.url}/api/channels/main/sessions/${session.id}/captions/de.vtt`);
    expect(response.headers.get('content-type')).toMatch(/^text\/vtt/);
    const { errors, texts } = vttTexts(await response.text());
    expect(errors).toEqual([]);
    expect(texts).toEqual(hard);
  });

  it('takes a WebVTT file for a session and serves it back', async () => {
    // Turkish: no other test here captions it and no machine translation reaches it, so the session's Turkish is the file's alone.
    const token = await server.access.mint({ role: 'captioner', channelId: 'main', languages: ['tr'] });
    const file = 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nMerhaba &amp; hoş geldiniz\n\n00:00:04.000 --> 00:00:06.500\n<v Ana>Başlayalım</v>\n';
    const put = await fetch(`${server.url}/api/channels/main/sessions/${session.id}/captions/tr.vtt`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/vtt' },
      body: file,
    });
    expect(put.status).toBe(201);
    expect(await put.json()).toEqual({ cues: 2, replaced: 0 });
    const vtt = await (await fetch(`${server.url}/api/channels/main/sessions/${session.id}/captions/tr.vtt`)).text();
    expect(vttTexts(vtt).texts).toEqual(['Merhaba & hoş geldiniz', 'Başlayalım']);
    expect(vtt).toContain('00:00:01.000 --> 00:00:03.000');

    const broken = await fetch(`${server.url}/api/channels/main/sessions/${session.id}/captions/tr.vtt`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/vtt' },
      body: 'WEBVTT\n\n00:00:01.000 -> 00:00:03.000\nbroken\n',
    });
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.code).toBe('INVALID_REQUEST');
  });

  /** hh:mm:ss.ttt of `ms`. */
  const clock = (ms: number) => new Date(ms).toISOString().slice(11, 23);

  it('replaces the imported cues with a file sent again, and holds files to the cue limits of desks and ingest', async () => {
    const token = await server.access.mint({ role: 'captioner', channelId: 'main', languages: ['ar'] });
    const url = `${server.url}/api/channels/main/sessions/${session.id}/captions/ar.vtt`;
    const put = (body: string) => fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/vtt' }, body });
    const served = async () => vttTexts(await (await fetch(url)).text()).texts;
    // Arabic: no machine translation reaches it, so nothing arrives between the reads below.
    // Live cues (earlier tests', and one more from the Arabic desk) are not the file's and stay.
    const live = await served();
    const writer = await desk('ar');
    await writer.ok('captions:commit', { channelId: 'main', language: 'ar', ...cueNow('En direct') });
    writer.close();
    const first = await put('WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nPremière version\n\n00:00:04.000 --> 00:00:06.000\nDeux\n');
    expect(await first.json()).toEqual({ cues: 2, replaced: 0 });
    const corrected = await put('WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nVersion corrigée\n');
    expect(corrected.status).toBe(201);
    expect(await corrected.json()).toEqual({ cues: 1, replaced: 2 });
    expect((await served()).sort()).toEqual([...live, 'En direct', 'Version corrigée'].sort());

    // Over the limits: refused whole, naming the cue, and what is stored stays as it was.
    const refusals: Array<[string, string, RegExp]> = [
      ['a 31-second cue', 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:10.000 --> 00:00:41.000\ntoo long\n', /cue 2 .*30000/],
      ['501 characters', `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n${'x'.repeat(501)}\n`, /cue 1 .*500/],
      ['an empty cue', 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<b></b>\n', /cue 1 .*empty/],
      ['5,001 cues', `WEBVTT\n\n${Array.from({ length: 5001 }, (_, i) => `${clock(i * 1000)} --> ${clock(i * 1000 + 500)}\nc`).join('\n\n')}\n`, /at most 5000 cues/],
    ];
    for (const [what, body, message] of refusals) {
      const response = await put(body);
      expect(response.status, what).toBe(400);
      const { error } = await response.json();
      expect(error.code, what).toBe('INVALID_REQUEST');
      expect(error.message, what).toMatch(message);
    }
    expect((await served()).sort()).toEqual([...live, 'En direct', 'Version corrigée'].sort());
  });

  it('checks the token and its scope before it reads a file, so no one without one makes the server take in a megabyte', async () => {
    const url = `${server.url}/api/channels/main/sessions/${session.id}/captions/pt.vtt`;
    const big = `WEBVTT\n\n${'00:00:01.000 --> 00:00:02.000\nx\n\n'.repeat(60_000)}`;
    expect(big.length).toBeGreaterThan(1_000_000);
    const otherDesk = await server.access.mint({ role: 'captioner', channelId: 'main', languages: ['ja'] });
    const viewer = await server.access.mint({ role: 'viewer' });
    for (const [authorization, status, code] of [
      [undefined, 401, 'UNAUTHORIZED'],
      [`Bearer ${viewer}`, 403, 'FORBIDDEN'],
      [`Bearer ${otherDesk}`, 403, 'FORBIDDEN'],
    ] as const) {
      const response = await fetch(url, { method: 'PUT', headers: { 'content-type': 'text/vtt', ...(authorization ? { authorization } : {}) }, body: big });
      expect(response.status, authorization).toBe(status);
      expect((await response.json()).error.code).toBe(code);
    }
    // With the right token the size limit still holds.
    const token = await server.access.mint({ role: 'captioner', channelId: 'main', languages: ['pt'] });
    const tooBig = await fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/vtt' }, body: big });
    expect(tooBig.status).toBe(413);
  });
});

describe('bad input', () => {
  it('refuses unknown languages, oversized text, reversed times and other scopes, and stores nothing', async () => {
    const writer = await desk('en');
    const before = await (await fetch(`${server.url}/api/channels/main/sessions/${session.id}/captions/en.vtt`)).text();
    const now = Date.now();
    const cases: Array<[string, unknown, string]> = [
      ['unknown language', { channelId: 'main', language: 'xx', startMs: now, endMs: now + 1000, text: 'hi' }, 'INVALID_REQUEST'],
      ['oversized text', { channelId: 'main', language: 'en', startMs: now, endMs: now + 1000, text: 'x'.repeat(501) }, 'INVALID_REQUEST'],
      ['end before start', { channelId: 'main', language: 'en', startMs: now, endMs: now - 1000, text: 'hi' }, 'INVALID_REQUEST'],
      ['empty text', { channelId: 'main', language: 'en', startMs: now, endMs: now + 1000, text: '   ' }, 'INVALID_REQUEST'],
      ['another language', { channelId: 'main', language: 'ja', startMs: now, endMs: now + 1000, text: 'hi' }, 'FORBIDDEN'],
      ['another channel', { channelId: 'europe', language: 'en', startMs: now, endMs: now + 1000, text: 'hi' }, 'FORBIDDEN'],
      ['an hour ago', { channelId: 'main', language: 'en', startMs: now - 3_600_000, endMs: now - 3_599_000, text: 'hi' }, 'INVALID_REQUEST'],
      ['markup as text', { channelId: 'nowhere', language: 'en', startMs: now, endMs: now + 1000, text: '<script>alert(1)</script>' }, 'FORBIDDEN'],
    ];
    for (const [what, payload, code] of cases) {
      expect(await writer.raw('captions:commit', payload), what).toMatchObject({ ok: false, error: { code } });
    }
    const viewer = await TestClient.connect(server.url);
    expect(await viewer.raw('captions:commit', cases[0]![1]), 'viewer').toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await viewer.raw('captions:join', { channelId: 'main', language: 'klingon' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const token = await server.access.mint({ role: 'captioner', channelId: 'main', languages: ['en'] });
    const wrongScope = await fetch(`${server.url}/api/channels/main/captions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cues: [{ id: 'x', language: 'ja', startMs: now, endMs: now + 1000, text: 'hi' }] }),
    });
    expect(wrongScope.status).toBe(403);
    expect(await (await fetch(`${server.url}/api/channels/main/sessions/${session.id}/captions/en.vtt`)).text()).toBe(before);
    viewer.close();
    writer.close();
  });
});

describe('after a restart', () => {
  it('still has every cue and its corrections', async () => {
    const before = await (await fetch(`${server.url}/api/channels/main/sessions/${session.id}/captions/ja.vtt`)).text();
    expect(vttTexts(before).texts).toContain('新しい製品を紹介します。');
    await server.close();
    await start();
    const after = await (await fetch(`${server.url}/api/channels/main/sessions/${session.id}/captions/ja.vtt`)).text();
    expect(after).toBe(before);
    const late = await viewerOf('ja');
    expect(late.joined.map((c) => c.text)).toContain('新しい製品を紹介します。');
    late.client.close();
  });
});
