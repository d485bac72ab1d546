// Files with personal data (registrations in the database, caption text, recordings) are the server
// user's alone: directories 0700 and files 0600, also for an install made before; Apertium's input
// files stay out of the shared /tmp; what a crash left half done is swept at startup.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Cue } from '@hybrid-stage/shared';
import { startTestServer, TestClient, type TestServer } from './support/server';

const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-private-'));
let server: TestServer;
const mode = (path: string) => statSync(path).mode & 0o777;

beforeAll(async () => {
  // An install made before: world-readable directories, and what a killed server left behind.
  chmodSync(dataDir, 0o755);
  for (const dir of ['films', 'recordings', 'tmp']) mkdirSync(join(dataDir, dir), { mode: 0o755 });
  chmodSync(join(dataDir, 'films'), 0o755);
  writeFileSync(join(dataDir, 'films', '.intro.webm.upload-4242-1765000000000'), 'half an upload');
  writeFileSync(join(dataDir, 'films', 'intro.json'), JSON.stringify({ title: 'Intro', description: '' }));
  writeFileSync(join(dataDir, 'recordings', 'main-2026-12-07T08-00-00.webm.sdp'), 'v=0\r\n');
  writeFileSync(join(dataDir, 'recordings', 'main-2026-12-07T08-00-00.webm'), 'a recording');
  writeFileSync(join(dataDir, 'tmp', 'apertium-0000.txt'), 'caption text of a past run');
  server = await startTestServer({ DATA_DIR: dataDir, TEST_PATTERNS: 'false', WORKERS: '1', DEMO_FILMS: 'false', RECORD_SESSIONS: 'false' });
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('keeps the data directory, the database, recordings and uploads to the server user, and sweeps leftovers', () => {
  expect(mode(dataDir).toString(8)).toBe('700');
  for (const dir of ['films', 'recordings', 'tmp']) expect(mode(join(dataDir, dir)).toString(8), dir).toBe('700');
  for (const file of ['hybrid-stage.db', 'hybrid-stage.db-wal', 'hybrid-stage.db-shm', 'access-token.key']) {
    if (existsSync(join(dataDir, file))) expect(mode(join(dataDir, file)).toString(8), file).toBe('600');
  }
  expect(existsSync(join(dataDir, 'hybrid-stage.db'))).toBe(true);
  // Half an upload, a recorder's SDP file and old temporary caption text are gone; the rest stays.
  expect(readdirSync(join(dataDir, 'films'))).toEqual(['intro.json']);
  expect(readdirSync(join(dataDir, 'recordings'))).toEqual(['main-2026-12-07T08-00-00.webm']);
  expect(readdirSync(join(dataDir, 'tmp'))).toEqual([]);
});

it("translates with Apertium through the server's private directory, not the shared temporary one", async () => {
  // The shared temporary directory, as this process sees it, is one the test watches.
  const shared = mkdtempSync(join(tmpdir(), 'hybrid-stage-shared-tmp-'));
  const created: string[] = [];
  const watcher = watch(shared, (_event, name) => name && created.push(name));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = shared;
  const viewer = await TestClient.connect(server.url);
  const desk = await TestClient.connectAs(server, { role: 'captioner', channelId: 'main', languages: ['en'] });
  try {
    const received: Cue[] = [];
    viewer.socket.on('captions:cue', (cue) => received.push(cue));
    await viewer.ok('captions:join', { channelId: 'main', language: 'es' });
    await desk.ok('captions:commit', { channelId: 'main', language: 'en', text: 'Welcome to the private session.', startMs: Date.now() - 500, endMs: Date.now() + 2000 });
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
    expect(received[0]).toMatchObject({ language: 'es', source: 'machine' });
    expect(created).toEqual([]);
    // Only the running translators' own directories, one per pair, private (removed when they stop:
    // test/machineTranslation.test.ts). The pairs through Spanish may still be starting.
    const dirs = readdirSync(join(dataDir, 'tmp'));
    expect(dirs).toContainEqual(expect.stringMatching(/^apertium-eng-spa-/));
    for (const dir of dirs) {
      expect(dir).toMatch(/^apertium-(eng-spa|es-pt|spa-ita|es-fr)-/);
      expect(mode(join(dataDir, 'tmp', dir)).toString(8)).toBe('700');
    }
  } finally {
    process.env.TMPDIR = before;
    if (before === undefined) delete process.env.TMPDIR;
    watcher.close();
    viewer.close();
    desk.close();
    rmSync(shared, { recursive: true, force: true });
  }
});
