import type { ReRunStatus } from '@hybrid-stage/shared';
import type { Db, Tables } from '../persistence/Database';

/** A re-run as stored. */
export interface StoredReRun {
  id: string;
  sessionId: string;
  channelId: string;
  /** Null once the recording was deleted. */
  recordingId: string | null;
  startsAtMs: number;
  endsAtMs: number;
  region: string;
  status: ReRunStatus;
  playedFromMs: number | null;
}

type Row = Tables['reruns'];

const toReRun = (r: Row): StoredReRun => ({
  id: r.id,
  sessionId: r.session_id,
  channelId: r.channel_id,
  recordingId: r.recording_id,
  startsAtMs: r.starts_at_ms,
  endsAtMs: r.ends_at_ms,
  region: r.region,
  status: r.status as ReRunStatus,
  playedFromMs: r.played_from_ms,
});

/** The re-run schedule, in SQLite or PostgreSQL; each write is committed when it resolves. */
export class ReRunStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Stores a new re-run or its new state. */
  async save(rerun: StoredReRun): Promise<void> {
    const row: Row = {
      id: rerun.id,
      session_id: rerun.sessionId,
      channel_id: rerun.channelId,
      recording_id: rerun.recordingId,
      starts_at_ms: rerun.startsAtMs,
      ends_at_ms: rerun.endsAtMs,
      region: rerun.region,
      status: rerun.status,
      played_from_ms: rerun.playedFromMs,
    };
    const { id: _id, ...changes } = row;
    await this.#db.db
      .insertInto('reruns')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(changes))
      .execute();
  }

  /** Removes a re-run from the schedule. */
  async delete(id: string): Promise<void> {
    await this.#db.db.deleteFrom('reruns').where('id', '=', id).execute();
  }

  /** One re-run, if there is one with this id. */
  async get(id: string): Promise<StoredReRun | undefined> {
    const row = await this.#db.db.selectFrom('reruns').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toReRun(row);
  }

  /** Every re-run, in start order. */
  async all(): Promise<StoredReRun[]> {
    const rows = await this.#db.db.selectFrom('reruns').selectAll().orderBy('starts_at_ms').orderBy('id').execute();
    return rows.map(toReRun);
  }

  /** A scheduled or playing re-run on `channelId` overlapping [fromMs, toMs), other than `exceptId`. */
  async overlapping(channelId: string, fromMs: number, toMs: number, exceptId = ''): Promise<StoredReRun | undefined> {
    const row = await this.#db.db
      .selectFrom('reruns')
      .selectAll()
      .where('channel_id', '=', channelId)
      .where('status', 'in', ['scheduled', 'playing'])
      .where('starts_at_ms', '<', toMs)
      .where('ends_at_ms', '>', fromMs)
      .where('id', '!=', exceptId)
      .limit(1)
      .executeTakeFirst();
    return row && toReRun(row);
  }

  /** Checks and writes in one transaction, so two producers (or two origins) cannot book the same slot. */
  transaction<T>(work: (store: ReRunStore) => Promise<T>): Promise<T> {
    return this.#db.transaction('reruns', (tx) => work(new ReRunStore(tx)));
  }
}
