// Issue 22 item 6: machine translation cannot be made to exhaust the server. Debian's Apertium runs
// as one long-lived pipeline per language pair fed cue by cue (not a process per cue), behind a
// bounded queue that skips the oldest cue when a flood outruns it; a stop ends the pipeline and
// leaves no temporary file anywhere. Caption ingest takes a bounded number of cues per token, over
// HTTP and sockets together.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApertiumTranslator, MAX_WAITING, decodeCue, encodeCue } from '../server/src/captions/translation/ApertiumTranslator';
import { PROTOCOL_VERSION } from '@hybrid-stage/shared';
import { startTestServer, TestClient, type TestServer } from './support/server';

/** Processes whose TMPDIR lies in `dir`: the translator's pipeline (bash, cat and apertium's programs). */
function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      if (env.some((v) => v.startsWith(`TMPDIR=${dir}/`))) pids.push(Number(name));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

describe('Apertium', () => {
  let dir: string;
  let translator: ApertiumTranslator;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-mt-'));
    translator = new ApertiumTranslator(dir);
  });

  afterAll(async () => {
    await translator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its stream format out of the text it translates', () => {
    for (const text of ['Plain text.', 'a <b> [c] {d} $5 ^e @f *g /h \\i', 'two\nlines']) {
      expect(decodeCue(encodeCue(text).replace(/\0$/, ''))).toBe(text);
    }
    expect(encodeCue('a\0b')).toBe('ab.[]\0');
  });

  it('translates cue after cue through one pipeline that stays up between them', { timeout: 120_000 }, async () => {
    const cues = ['Good morning, everyone.', 'The cat is on the table.', 'Welcome to the <main> stage & [live] at $5!', 'Questions\nplease.'];
    const spanish: string[] = [];
    let pipelines: number[] | undefined;
    for (const cue of cues) {
      spanish.push(await translator.translate(cue, 'es'));
      // Between cues the pipeline waits for the next one, in its own temporary directory.
      const running = processesIn(dir);
      expect(running.length).toBeGreaterThan(0);
      pipelines ??= running;
      expect(running).toEqual(pipelines);
      expect(readdirSync(dir)).toEqual([expect.stringMatching(/^apertium-eng-spa-/)]);
    }
    expect(spanish[0]).toMatch(/^Buenos días/);
    expect(spanish[1]).toMatch(/gato/);
    // Markup-like text and symbols come back as text (the words inside translated), not as Apertium's own marks or escapes.
    expect(spanish[2]).toMatch(/^Bienvenido a la <\p{L}+> principal & \[\p{L}+\] en \$5!$/u);
    // A cue of two lines stays two lines.
    expect(spanish[3]).toMatch(/^\S.*\n.*\S$/);
    expect(spanish[3]).toMatch(/cuestiones|preguntas/i);
  });

  it('skips the oldest waiting cues when a flood outruns it, and keeps translating', { timeout: 120_000 }, async () => {
    const flood = Array.from({ length: MAX_WAITING + 10 }, (_, i) => translator.translate(`Sentence number ${i} of the flood.`, 'es'));
    const results = await Promise.allSettled(flood);
    const skipped = results.filter((r) => r.status === 'rejected');
    // The first goes straight in; of the rest, MAX_WAITING wait and the oldest over that are skipped.
    expect(skipped).toHaveLength(9);
    for (const r of skipped) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'RATE_LIMITED' });
    expect(results.at(-1)).toMatchObject({ status: 'fulfilled' });
    expect(results[0]).toMatchObject({ status: 'fulfilled' });
    expect(await translator.translate('Thank you.', 'es')).toMatch(/Gracias/i);
  });

  it('reaches Portuguese, Italian and French through Spanish, translating the English once', { timeout: 120_000 }, async () => {
    const cue = 'Good evening, partners. Welcome to the conference.';
    const [spanish, portuguese, italian, french] = await Promise.all((['es', 'pt', 'it', 'fr'] as const).map((to) => translator.translate(cue, to)));
    expect(spanish).toMatch(/conferencia/);
    expect(portuguese).toMatch(/conferência/);
    expect(italian).toMatch(/conferenza/);
    expect(french).toMatch(/conférence/);
    // One pipeline per pair: English to Spanish (shared by all four), and Spanish to each of the three.
    expect(readdirSync(dir).map((d) => d.replace(/-\w+$/, '')).sort()).toEqual(['apertium-eng-spa', 'apertium-es-fr', 'apertium-es-pt', 'apertium-spa-ita']);
    expect(['es', 'pt', 'it', 'fr'].map((to) => translator.author(to as 'es'))).toEqual(['apertium en→es', 'apertium en→es→pt', 'apertium en→es→it', 'apertium en→es→fr']);
  });

  it('ends its pipeline on close and leaves no file behind', { timeout: 30_000 }, async () => {
    expect(processesIn(dir).length).toBeGreaterThan(0);
    await translator.close();
    await expect.poll(() => processesIn(dir), { timeout: 5000 }).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
    await expect(translator.translate('Too late.', 'es')).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });
});

describe('HTTP caption ingest', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ WORKERS: '1', TEST_PATTERNS: 'false', MT_APERTIUM_LANGUAGES: 'none', CAPTION_INGEST_PER_MINUTE: '150' });
  });

  afterAll(async () => {
    await server?.close();
  });

  const batch = (from: number, n: number) => {
    const now = Date.now();
    return { cues: Array.from({ length: n }, (_, i) => ({ language: 'en' as const, startMs: now + (from + i) * 100, endMs: now + (from + i) * 100 + 2000, text: `Cue ${from + i}`, id: `p-${from + i}` })) };
  };
  const ingest = async (token: string, body: unknown) => {
    const res = await fetch(`${server.url}/api/channels/main/captions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
  };

  it('takes CAPTION_INGEST_PER_MINUTE cues a minute from one token, then RATE_LIMITED; other tokens are not held up', async () => {
    const provider = await server.access.mint({ role: 'captioner', channelId: 'main', languages: ['en'] });
    expect((await ingest(provider, batch(0, 100))).status).toBe(200);
    const refused = await ingest(provider, batch(100, 100));
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    // What is left of the allowance still takes a smaller batch.
    expect((await ingest(provider, batch(100, 40))).status).toBe(200);
    const other = await server.access.mint({ role: 'captioner', channelId: 'main', languages: ['en'] });
    expect((await ingest(other, batch(200, 100))).status).toBe(200);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it("counts a token's cues over a socket against the same allowance as over HTTP", async () => {
    const provider = await server.access.mint({ role: 'captioner', channelId: 'main', languages: ['en'] });
    expect((await ingest(provider, batch(300, 100))).status).toBe(200);
    const socket = await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION, token: provider });
    try {
      expect(await socket.request('captions:ingest', { channelId: 'main', ...batch(400, 100) })).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      expect(await socket.request('captions:ingest', { channelId: 'main', ...batch(400, 40) })).toMatchObject({ ok: true });
    } finally {
      socket.close();
    }
  });
});
