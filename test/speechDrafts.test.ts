// Issue 18 item 2: speech recognition drafts. An encoder's feed on air speaks (a clip of
// pocketsphinx's own test data: "go forward ten meters", between silences, over and over); the
// server listens to the program (ffmpeg's asr filter with Debian's pocketsphinx-en-us) and the
// English desk gets drafts with those words. Accepted, a draft reaches English viewers, and the
// machine translations into Spanish, Portuguese, Italian and French follow.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Cue } from '@hybrid-stage/shared';
import { runShownCommand } from './support/encoder';
import { startTestServer, TestClient, type TestServer } from './support/server';

const CLIP = '/usr/share/pocketsphinx/test/data/goforward.raw';

let server: TestServer;
let dir: string;
const encoders: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-speech-'));
  server = await startTestServer({ DATA_DIR: dir, WORKERS: '1', TEST_PATTERNS: 'false', ASR_CHANNELS: 'main' });
});

afterAll(async () => {
  for (const encoder of encoders) encoder.kill('SIGKILL');
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('drafts English from the speech on air; accepted, it reaches viewers and its Spanish, Portuguese, Italian and French follow', { timeout: 120_000 }, async () => {
  // The clip between a second of silence before and two after, as the encoder's sound.
  const speech = join(dir, 'speech.wav');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 's16le', '-ar', '16000', '-ac', '1', '-i', CLIP, '-af', 'adelay=1000,apad=pad_dur=2', '-ar', '48000', speech]);

  const studio = await TestClient.connectAs(server, { role: 'studio', studioId: 'london' });
  const ingest = await studio.ok('ingest:create', { studioId: 'london', label: 'London lectern', protocol: 'rtp', source: { ip: '127.0.0.1', videoPort: 19404, audioPort: 19406 } });
  encoders.push(runShownCommand(ingest, { seconds: 110, source: `testsrc2=size=320x180:rate=25[out0];amovie=${speech}:loop=0,asetpts=N/SR/TB[out1]` }));
  await expect.poll(() => server.feeds.get(ingest.feedId).tracks.length, { timeout: 15_000 }).toBe(2);
  const producer = await TestClient.connectAs(server, { role: 'producer' });
  await producer.take('main', ingest.feedId, 20_000);

  // The English desk, and viewers of English and Spanish.
  const desk = await TestClient.connectAs(server, { role: 'captioner', channelId: 'main', languages: ['en'] });
  const drafts: Cue[] = [];
  desk.socket.on('captions:draft', (cue) => drafts.push(cue));
  await desk.ok('captions:drafts', { channelId: 'main', language: 'en' });
  const viewers = await Promise.all(
    (['en', 'es', 'pt', 'it', 'fr'] as const).map(async (language) => {
      const client = await TestClient.connect(server.url);
      const received: Cue[] = [];
      client.socket.on('captions:cue', (cue) => received.push(cue));
      await client.ok('captions:join', { channelId: 'main', language });
      return { client, received };
    }),
  );

  // The model loads (seconds), then each pass of the clip ends in a phrase.
  await expect.poll(() => drafts.find((d) => /forward/.test(d.text)), { timeout: 60_000, interval: 500 }).toBeDefined();
  const draft = drafts.find((d) => /forward/.test(d.text))!;
  expect(draft).toMatchObject({ language: 'en', source: 'speech', status: 'draft', channelId: 'main' });
  expect(draft.text).toMatch(/\b(ten|meters)\b/);
  expect(draft.endMs).toBeGreaterThan(draft.startMs);
  expect(draft.endMs).toBeLessThanOrEqual(Date.now());
  // Drafts are not shown to viewers.
  expect(viewers[0]!.received.filter((c) => c.id === draft.id)).toEqual([]);

  // The producer's overview says speech recognition makes the English.
  const { languages } = await producer.ok('captions:coverage', { channelId: 'main' });
  expect(languages.find((l) => l.language === 'en')).toMatchObject({ speech: true, machine: null });

  await desk.ok('captions:accept', { cueId: draft.id });
  await expect.poll(() => viewers[0]!.received.find((c) => c.id === draft.id)?.text, { timeout: 5000 }).toBe(draft.text);
  // Machine translation: through Spanish for the three without a pair from English.
  for (const [i, language] of (['es', 'pt', 'it', 'fr'] as const).entries()) {
    const viewer = viewers[i + 1]!;
    await expect.poll(() => viewer.received.find((c) => c.translatedFrom === draft.id), { timeout: 30_000 }).toMatchObject({ language, source: 'machine' });
    expect(viewer.received.find((c) => c.translatedFrom === draft.id)!.text).not.toBe(draft.text);
  }

  for (const client of [studio, producer, desk, ...viewers.map((v) => v.client)]) client.close();
});
