// Machine translation in review mode: Spanish drafts wait for a translator's desk, and only what the
// translator accepts (as it is or corrected) reaches Spanish viewers.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Cue } from '@hybrid-stage/shared';
import { startTestServer, TestClient, type TestServer } from './support/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ MT_REVIEW: 'true', TEST_PATTERNS: 'false', WORKERS: '1' });
});

afterAll(async () => {
  await server?.close();
});

it('holds Spanish drafts for the translator and sends out what they accept', async () => {
  const viewer = await TestClient.connect(server.url);
  const seen: Cue[] = [];
  viewer.socket.on('captions:cue', (cue) => seen.push(cue));
  await viewer.ok('captions:join', { channelId: 'main', language: 'es' });

  const translator = await TestClient.connectAs(server, { role: 'captioner', channelId: 'main', languages: ['es'] });
  const drafts: Cue[] = [];
  translator.socket.on('captions:draft', (cue) => drafts.push(cue));
  await translator.ok('captions:drafts', { channelId: 'main', language: 'es' });

  const english = await TestClient.connectAs(server, { role: 'captioner', channelId: 'main', languages: ['en'] });
  const now = Date.now();
  await english.ok('captions:commit', { channelId: 'main', language: 'en', text: 'Thank you for coming.', startMs: now - 1000, endMs: now + 2000 });
  await english.ok('captions:commit', { channelId: 'main', language: 'en', text: 'The products are new.', startMs: now, endMs: now + 2000 });

  await expect.poll(() => drafts.length, { timeout: 5000 }).toBe(2);
  expect(drafts.every((d) => d.status === 'draft' && d.source === 'machine' && d.language === 'es')).toBe(true);
  expect(seen).toEqual([]); // nothing reached viewers yet

  const [first, second] = drafts.sort((a, b) => a.startMs - b.startMs) as [Cue, Cue];
  const accepted = await translator.ok('captions:accept', { cueId: first.id });
  expect(accepted).toMatchObject({ id: first.id, status: 'live', text: first.text, source: 'machine' });
  const corrected = await translator.ok('captions:accept', { cueId: second.id, text: 'Estos productos son totalmente nuevos.' });
  expect(corrected).toMatchObject({ status: 'live', text: 'Estos productos son totalmente nuevos.', source: 'desk' });
  expect(await translator.request('captions:accept', { cueId: second.id })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });

  await expect.poll(() => seen.map((c) => c.text), { timeout: 5000 }).toEqual([first.text, 'Estos productos son totalmente nuevos.']);
  // A late translator desk still finds no waiting drafts: both went out.
  expect((await translator.ok('captions:drafts', { channelId: 'main', language: 'es' })).drafts).toEqual([]);
  for (const c of [viewer, translator, english]) c.close();
});
