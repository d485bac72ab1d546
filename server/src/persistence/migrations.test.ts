// Upgrading a database made by an earlier version: the migrations it lacks are applied once, in
// order, and the rows it already held are still there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { CaptionStore, type StoredCue } from '../captions/CaptionStore';
import { createLogger } from '../logger';
import { closeDatabase, openDatabase } from './Database';
import { MIGRATIONS } from './migrations';

const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('brings a database with only the first migration up to date and keeps its cues', () => {
  const file = join(dir, 'old.db');
  // The database as the first release left it: migration 1 only, one cue stored.
  const old = new BetterSqlite3(file);
  old.exec(MIGRATIONS[0]!);
  old.pragma('user_version = 1');
  const cue: StoredCue = {
    id: 'cue-1', revision: 1, channelId: 'main', sessionId: null, language: 'en', startMs: 1_000, endMs: 3_000,
    text: 'Kept across the upgrade.', source: 'desk', status: 'live', translatedFrom: null, author: 'captioner', providerCueId: null,
  };
  new CaptionStore(old).insert(cue);
  old.close();

  for (let open = 0; open < 2; open++) {
    const db = openDatabase(file, createLogger('silent'));
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['caption_cues', 'stands', 'stand_gifts', 'recordings', 'reruns', 'viewer_registrations']));
    expect(new CaptionStore(db).get('cue-1')).toMatchObject({ text: 'Kept across the upgrade.', revision: 1 });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    closeDatabase(db);
  }
});
