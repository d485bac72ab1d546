import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Generated } from 'kysely';
import pg from 'pg';
import { redactedUrl, type Config } from '../config';
import { StartupError } from '../errors';
import type { Logger } from '../logger';
import { MIGRATIONS, POSTGRES_MIGRATIONS } from './migrations';

/** The tables as the stores see them: the same names and shapes in both engines. */
export interface Tables {
  caption_cues: {
    id: string;
    revision: number;
    channel_id: string;
    session_id: string | null;
    language: string;
    start_ms: number;
    end_ms: number;
    text: string;
    source: string;
    status: string;
    author: string;
    provider_cue_id: string | null;
    translated_from: string | null;
    created_at: number;
  };
  stands: { id: string; content: string; x: number; z: number; rotation: number; created_at: number; updated_at: number };
  stand_comments: {
    /** SQLite's implicit rowid; a generated column of that name in PostgreSQL (the order of writing). */
    rowid: Generated<number>;
    id: string;
    stand_id: string;
    visitor_id: string;
    author: string;
    text: string;
    /** 0 or 1 in both engines (an integer, not a PostgreSQL boolean, so one mapping serves both). */
    hidden: number;
    created_at: number;
  };
  stand_gifts: { stand_id: string; visitor_id: string; code: string; claimed_at: number };
  stand_visits: { id: Generated<number>; stand_id: string; visitor_id: string; started_at: number; dwell_ms: number | null };
  recordings: {
    id: string;
    channel_id: string;
    session_id: string | null;
    file: string;
    started_at_ms: number;
    ended_at_ms: number | null;
    duration_ms: number | null;
    status: string;
    trigger: string;
  };
  reruns: {
    id: string;
    session_id: string;
    channel_id: string;
    recording_id: string | null;
    starts_at_ms: number;
    ends_at_ms: number;
    region: string;
    status: string;
    played_from_ms: number | null;
  };
  viewer_registrations: {
    rowid: Generated<number>;
    id: string;
    email: string;
    name: string;
    organisation: string;
    country: string;
    registered_at: number;
  };
  revoked_links: { jti: string; role: string; scope: string; expires_at: number; revoked_at: number };
  channel_history: { channel_id: string; version: number; cuts: string; updated_at: number };
  ingests: { id: string; studio_id: string; spec: string; created_at: number };
  revoked_roles: { role: string; issued_before: number };
}

/** Which engine holds the data: an embedded SQLite file, or a PostgreSQL server shared by nodes. */
export type Engine = 'sqlite' | 'postgres';

/** Where the data is: a SQLite file (the embedded default) or a PostgreSQL URL (a cluster). */
export type StorageTarget = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };

/** Where the configuration keeps the data: PostgreSQL when DATABASE_URL is set, else the SQLite file in DATA_DIR. */
export function storageTarget(config: Pick<Config, 'DATA_DIR' | 'DATABASE_URL'>): StorageTarget {
  return config.DATABASE_URL ? { engine: 'postgres', url: config.DATABASE_URL } : { engine: 'sqlite', file: join(config.DATA_DIR, 'hybrid-stage.db') };
}

/**
 * What the stores are given: a query builder and a way to group writes into one transaction. Inside
 * a transaction `db` is bound to its connection, and a nested `transaction` joins the outer one.
 */
export interface Db {
  readonly db: Kysely<Tables>;
  readonly engine: Engine;
  /**
   * Runs `work` in one transaction, committed when it resolves and rolled back when it throws.
   * Writers are serialised: SQLite takes its write lock first (BEGIN IMMEDIATE, so a read followed
   * by a write cannot meet another process's commit in between), and PostgreSQL takes a
   * transaction-scoped advisory lock on `lock` (transactions on other keys run side by side).
   */
  transaction<T>(lock: string, work: (tx: Db) => Promise<T>): Promise<T>;
}

/** PostgreSQL type ids whose text pg leaves as strings: int8 (BIGINT, COUNT) and numeric (SUM of int8). */
const INT8 = 20;
const NUMERIC = 1700;
/** One key for the migrations' session advisory lock (any constant no other code uses). */
const MIGRATION_LOCK = 0x48_53_74_67; // "HStg"

/**
 * The database: SQLite through better-sqlite3 (one connection; Kysely's driver queues every query
 * and transaction on it) or PostgreSQL through a `pg` pool, both behind one Kysely query builder so
 * every store is written once. Opening applies the migrations the database lacks.
 */
export class Database implements Db {
  readonly db: Kysely<Tables>;
  readonly engine: Engine;
  #closed: Promise<void> | undefined;

  private constructor(db: Kysely<Tables>, engine: Engine) {
    this.db = db;
    this.engine = engine;
  }

  static async open(target: StorageTarget, logger: Logger): Promise<Database> {
    if (target.engine === 'sqlite') {
      const database = new Database(new Kysely<Tables>({ dialect: new SqliteDialect({ database: openSqlite(target.file, logger) }) }), 'sqlite');
      return database;
    }
    const pool = new pg.Pool({
      connectionString: target.url,
      max: 10,
      connectionTimeoutMillis: 5_000,
      // Times in ms are int8: as numbers (they stay far below 2^53), like SQLite gives them.
      types: { getTypeParser: (id, format) => (id === INT8 || id === NUMERIC ? Number : pg.types.getTypeParser(id, format)) },
    });
    // An idle connection that PostgreSQL closes (a restart, a failover) is dropped by the pool and
    // replaced on the next query; without a listener the error would end the process.
    pool.on('error', (error) => logger.warn({ err: error.message }, 'database connection lost; the next query reconnects'));
    // A connection lost while a query runs on it: the pool listens only to idle ones, and pg also
    // emits the error on the client, which would end the process. The query itself fails to its caller.
    pool.on('connect', (client) => client.on('error', (error) => logger.warn({ err: error.message }, 'database connection lost during a query')));
    const database = new Database(new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) }), 'postgres');
    try {
      await database.#migratePostgres(logger);
    } catch (error) {
      await database.close();
      // The operator's words: which setting, where it points (without its password), what failed.
      throw new StartupError(`cannot open the PostgreSQL database of DATABASE_URL (${redactedUrl(target.url)}): ${(error as Error).message}`);
    }
    return database;
  }

  transaction<T>(lock: string, work: (tx: Db) => Promise<T>): Promise<T> {
    return this.db.connection().execute(async (connection) => {
      const tx = new TransactionDb(connection, this.engine);
      await sql.raw(this.engine === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN').execute(connection);
      try {
        if (this.engine === 'postgres') await sql`SELECT pg_advisory_xact_lock(hashtext(${lock}))`.execute(connection);
        const result = await work(tx);
        await sql.raw('COMMIT').execute(connection);
        return result;
      } catch (error) {
        // A connection that died mid-transaction rolled back by itself; the caller gets the first error.
        await sql.raw('ROLLBACK').execute(connection).catch(() => undefined);
        throw error;
      }
    });
  }

  /** Closes the file (writing the WAL back into it) or the pool, once a transaction under way is done. Safe to call twice. */
  close(): Promise<void> {
    return (this.#closed ??= (async () => {
      // SQLite's one connection is free once a transaction holding it ends (PostgreSQL's pool
      // waits for its clients by itself).
      if (this.engine === 'sqlite') await this.db.connection().execute(async () => undefined);
      await this.db.destroy();
    })());
  }

  /**
   * Applies the PostgreSQL migrations not yet recorded in `schema_migrations`, each in its own
   * transaction. A session advisory lock makes concurrent starters (an origin and its standby) take
   * turns: the second finds the work done.
   */
  async #migratePostgres(logger: Logger): Promise<void> {
    await this.db.connection().execute(async (connection) => {
      await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK})`.execute(connection);
      try {
        await sql`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`.execute(connection);
        const { rows } = await sql<{ version: number | null }>`SELECT MAX(version) AS version FROM schema_migrations`.execute(connection);
        for (let version = rows[0]?.version ?? 0; version < POSTGRES_MIGRATIONS.length; version++) {
          await sql.raw('BEGIN').execute(connection);
          try {
            await sql.raw(POSTGRES_MIGRATIONS[version]!).execute(connection);
            await sql`INSERT INTO schema_migrations (version, applied_at) VALUES (${version + 1}, ${Date.now()})`.execute(connection);
            await sql.raw('COMMIT').execute(connection);
          } catch (error) {
            await sql.raw('ROLLBACK').execute(connection).catch(() => undefined);
            throw error;
          }
          logger.info({ version: version + 1, engine: 'postgres' }, 'database migrated');
        }
      } finally {
        await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`.execute(connection).catch(() => undefined);
      }
    });
  }
}

/** The Db a transaction's work is given: its queries run on the transaction's connection. */
class TransactionDb implements Db {
  constructor(
    readonly db: Kysely<Tables>,
    readonly engine: Engine,
  ) {}

  transaction<T>(_lock: string, work: (tx: Db) => Promise<T>): Promise<T> {
    return work(this);
  }
}

/**
 * Opens the SQLite file: WAL so readers never block the writer, `synchronous = FULL` so a commit
 * is on disk before a write is acknowledged (a `kill -9` or power cut loses nothing acknowledged),
 * foreign keys on, and the migrations not yet applied (counted in `PRAGMA user_version`).
 */
export function openSqlite(file: string, logger: Logger): BetterSqlite3.Database {
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
  // Kysely's close calls close(): the WAL is written back into the file first, on a clean stop.
  const close = db.close.bind(db);
  return Object.assign(db, {
    close: () => {
      if (db.open && !db.inTransaction) db.pragma('wal_checkpoint(TRUNCATE)');
      return close();
    },
  });
}
