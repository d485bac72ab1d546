import type { ReRunStatus } from '@hybrid-stage/shared';
import type { Db } from '../persistence/Database';

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

interface Row {
  id: string;
  session_id: string;
  channel_id: string;
  recording_id: string | null;
  starts_at_ms: number;
  ends_at_ms: number;
  region: string;
  status: string;
  played_from_ms: number | null;
}

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

/** The re-run schedule in SQLite; each write is committed before it returns. */
export class ReRunStore {
  readonly #db: Db;
  readonly #upsert;
  readonly #delete;
  readonly #get;
  readonly #all;
  readonly #overlapping;

  constructor(db: Db) {
    this.#db = db;
    this.#upsert = db.prepare(`INSERT INTO reruns (id, session_id, channel_id, recording_id, starts_at_ms, ends_at_ms, region, status, played_from_ms)
      VALUES (@id, @sessionId, @channelId, @recordingId, @startsAtMs, @endsAtMs, @region, @status, @playedFromMs)
      ON CONFLICT (id) DO UPDATE SET session_id = excluded.session_id, channel_id = excluded.channel_id, recording_id = excluded.recording_id,
        starts_at_ms = excluded.starts_at_ms, ends_at_ms = excluded.ends_at_ms, region = excluded.region, status = excluded.status,
        played_from_ms = excluded.played_from_ms`);
    this.#delete = db.prepare('DELETE FROM reruns WHERE id = ?');
    this.#get = db.prepare<[string], Row>('SELECT * FROM reruns WHERE id = ?');
    this.#all = db.prepare<[], Row>('SELECT * FROM reruns ORDER BY starts_at_ms, id');
    this.#overlapping = db.prepare<[string, number, number, string], Row>(
      `SELECT * FROM reruns WHERE channel_id = ? AND status IN ('scheduled', 'playing') AND starts_at_ms < ? AND ends_at_ms > ? AND id != ? LIMIT 1`,
    );
  }

  /** Stores a new re-run or its new state. */
  save(rerun: StoredReRun): void {
    this.#upsert.run(rerun);
  }

  /** Removes a re-run from the schedule. */
  delete(id: string): void {
    this.#delete.run(id);
  }

  /** One re-run, if there is one with this id. */
  get(id: string): StoredReRun | undefined {
    const row = this.#get.get(id);
    return row && toReRun(row);
  }

  /** Every re-run, in start order. */
  all(): StoredReRun[] {
    return this.#all.all().map(toReRun);
  }

  /** A scheduled or playing re-run on `channelId` overlapping [fromMs, toMs), other than `exceptId`. */
  overlapping(channelId: string, fromMs: number, toMs: number, exceptId = ''): StoredReRun | undefined {
    const row = this.#overlapping.get(channelId, toMs, fromMs, exceptId);
    return row && toReRun(row);
  }

  /** Checks and writes in one transaction, so two producers cannot book the same slot. */
  transaction<T>(work: () => T): T {
    return this.#db.transaction(work)();
  }
}
