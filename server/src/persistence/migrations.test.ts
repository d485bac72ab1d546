// Upgrading a database made by an earlier version: the migrations it lacks are applied once, in
// order, and the rows it already held are still there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { CaptionStore, type StoredCue } from '../captions/CaptionStore';
import { createLogger } from '../logger';
import { RecordingStore } from '../recording/RecordingStore';
import { ReRunStore } from '../reruns/ReRunStore';
import { Database } from './Database';
import { MIGRATIONS, POSTGRES_MIGRATIONS } from './migrations';

const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('has the same migrations, one for one, in both dialects', () => {
  // A migration added to one list and not the other would leave the engines with different schemas.
  expect(POSTGRES_MIGRATIONS).toHaveLength(MIGRATIONS.length);
});

it('brings a database with only the first migration up to date and keeps its cues', async () => {
  const file = join(dir, 'old.db');
  // The database as the first release left it: migration 1 only, one cue stored.
  const old = new BetterSqlite3(file);
  old.exec(MIGRATIONS[0]!);
  old.pragma('user_version = 1');
  const cue: StoredCue = {
    id: 'cue-1', revision: 1, channelId: 'main', sessionId: null, language: 'en', startMs: 1_000, endMs: 3_000,
    text: 'Kept across the upgrade.', source: 'desk', status: 'live', translatedFrom: null, author: 'captioner', providerCueId: null,
  };
  old.prepare(`INSERT INTO caption_cues (id, revision, channel_id, session_id, language, start_ms, end_ms, text, source, status, author, provider_cue_id, translated_from, created_at)
    VALUES (@id, @revision, @channelId, @sessionId, @language, @startMs, @endMs, @text, @source, @status, @author, @providerCueId, @translatedFrom, 0)`).run(cue);
  old.close();

  for (let open = 0; open < 2; open++) {
    const db = await Database.open({ engine: 'sqlite', file }, createLogger('silent'));
    expect(await new CaptionStore(db).get('cue-1')).toMatchObject({ text: 'Kept across the upgrade.', revision: 1 });
    await db.close();
    const check = new BetterSqlite3(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['caption_cues', 'stands', 'stand_gifts', 'recordings', 'reruns', 'viewer_registrations']));
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  }
});

it('keeps the re-runs of a database from before migration 5, and keeps them when their recording is deleted', async () => {
  const file = join(dir, 'reruns.db');
  // The database as release 4 left it: a recording and a re-run played from it.
  const old = new BetterSqlite3(file);
  old.pragma('foreign_keys = ON');
  for (const migration of MIGRATIONS.slice(0, 4)) old.exec(migration);
  old.pragma('user_version = 4');
  old.exec(`INSERT INTO recordings (id, channel_id, session_id, file, started_at_ms, ended_at_ms, duration_ms, status, trigger)
    VALUES ('rec-1', 'main', 'keynote', 'rec-1.webm', 1000, 11000, 10000, 'done', 'manual')`);
  old.exec(`INSERT INTO reruns (id, session_id, channel_id, recording_id, starts_at_ms, ends_at_ms, region, status, played_from_ms)
    VALUES ('rerun-1', 'keynote', 'europe', 'rec-1', 50000, 60000, 'Americas', 'done', 50000)`);
  old.close();

  const db = await Database.open({ engine: 'sqlite', file }, createLogger('silent'));
  const rerun = async () => (await new ReRunStore(db).all()).find((r) => r.id === 'rerun-1');
  expect(await rerun()).toMatchObject({ recordingId: 'rec-1', region: 'Americas', status: 'done', playedFromMs: 50000 });
  await new RecordingStore(db).delete('rec-1');
  expect(await rerun()).toMatchObject({ recordingId: null, region: 'Americas', status: 'done' });
  await db.close();
  const check = new BetterSqlite3(file, { readonly: true });
  expect(check.pragma('foreign_key_check')).toEqual([]);
  expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
  check.close();
});
