// Issue 18 item 4: a producer sees, for each of a channel's twelve caption languages, who or what
// produces it now: desks open for it, a provider sending cues, machine translation and through
// what, or nobody.
import { expect } from 'vitest';
import type { LanguageCoverage } from '@hybrid-stage/shared';
import { serverTest } from './support/fixtures';

const test = serverTest({ WORKERS: '1', TEST_PATTERNS: 'false' });

test('tells a producer who produces each language now, and only a producer', async ({ clients }) => {
  const producer = await clients.as({ role: 'producer' });
  const coverage = async () => {
    const { languages } = await producer.ok('captions:coverage', { channelId: 'main' });
    return Object.fromEntries(languages.map((l) => [l.language, l])) as Record<string, LanguageCoverage>;
  };

  const before = await coverage();
  expect(Object.keys(before)).toEqual(['en', 'ja', 'zh', 'ko', 'ru', 'ar', 'es', 'pt', 'de', 'fr', 'it', 'tr']);
  // Apertium's languages, and how each is reached; nobody for the rest.
  expect(before.es).toEqual({ language: 'es', desks: 0, provider: false, machine: 'apertium en→es', speech: false });
  expect(before.pt!.machine).toBe('apertium en→es→pt');
  expect(before.ja).toEqual({ language: 'ja', desks: 0, provider: false, machine: null, speech: false });
  expect(before.en).toEqual({ language: 'en', desks: 0, provider: false, machine: null, speech: false });

  // A Japanese desk opens (it asks its drafts), and a provider sends German.
  const desk = await clients.as({ role: 'captioner', channelId: 'main', languages: ['ja'] });
  await desk.ok('captions:drafts', { channelId: 'main', language: 'ja' });
  const provider = await clients.as({ role: 'captioner', channelId: 'main', languages: ['de'] });
  const now = Date.now();
  await provider.ok('captions:ingest', { channelId: 'main', cues: [{ id: 'coverage-1', language: 'de', startMs: now, endMs: now + 2000, text: 'Willkommen.' }] });
  const during = await coverage();
  expect(during.ja).toMatchObject({ desks: 1, provider: false });
  expect(during.de).toMatchObject({ desks: 0, provider: true });
  expect(during.ko).toMatchObject({ desks: 0, provider: false, machine: null });

  // The desk closes: Japanese has nobody again.
  desk.close();
  await expect.poll(async () => (await coverage()).ja!.desks, { timeout: 5000 }).toBe(0);

  // Neither a viewer nor a captioner may ask.
  const viewer = await clients.connect();
  expect(await viewer.request('captions:coverage', { channelId: 'main' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await provider.request('captions:coverage', { channelId: 'main' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await producer.request('captions:coverage', { channelId: 'nowhere' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
});
