import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Logger } from '../logger';
import { MIGRATIONS } from './migrations';

/** The SQLite database handle the stores share. */
export type Db = BetterSqlite3.Database;

/**
 * Opens the database file: WAL so readers never block the writer, `synchronous = FULL` so a commit
 * is on disk before a write is acknowledged (a `kill -9` or power cut loses nothing acknowledged),
 * foreign keys on, and the migrations not yet applied (counted in `PRAGMA user_version`).
 */
export function openDatabase(file: string, logger: Logger): Db {
  mkdirSync(dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (let version = applied; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
    logger.info({ version: version + 1 }, 'database migrated');
  }
  return db;
}

/** Writes the WAL back into the database file and closes it (on a clean stop). */
export function closeDatabase(db: Db): void {
  if (!db.open) return;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
