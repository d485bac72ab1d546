import type { RecordingStatus } from '@hybrid-stage/shared';
import type { Db } from '../persistence/Database';

/** A recording as stored: its file name in the recordings directory and its times. */
export interface StoredRecording {
  id: string;
  channelId: string;
  sessionId: string | null;
  /** File name inside the recordings directory. */
  file: string;
  startedAtMs: number;
  endedAtMs: number | null;
  durationMs: number | null;
  status: RecordingStatus;
  trigger: 'manual' | 'session';
}

interface Row {
  id: string;
  channel_id: string;
  session_id: string | null;
  file: string;
  started_at_ms: number;
  ended_at_ms: number | null;
  duration_ms: number | null;
  status: string;
  trigger: string;
}

const toRecording = (r: Row): StoredRecording => ({
  id: r.id,
  channelId: r.channel_id,
  sessionId: r.session_id,
  file: r.file,
  startedAtMs: r.started_at_ms,
  endedAtMs: r.ended_at_ms,
  durationMs: r.duration_ms,
  status: r.status as RecordingStatus,
  trigger: r.trigger as StoredRecording['trigger'],
});

/** Recordings in SQLite; each write is committed before it returns. */
export class RecordingStore {
  readonly #insert;
  readonly #finish;
  readonly #get;
  readonly #all;
  readonly #unfinished;
  readonly #playable;
  readonly #delete;

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO recordings (id, channel_id, session_id, file, started_at_ms, ended_at_ms, duration_ms, status, trigger)
      VALUES (@id, @channelId, @sessionId, @file, @startedAtMs, @endedAtMs, @durationMs, @status, @trigger)`);
    this.#finish = db.prepare('UPDATE recordings SET status = @status, ended_at_ms = @endedAtMs, duration_ms = @durationMs WHERE id = @id');
    this.#get = db.prepare<[string], Row>('SELECT * FROM recordings WHERE id = ?');
    this.#all = db.prepare<[], Row>('SELECT * FROM recordings ORDER BY started_at_ms DESC');
    this.#unfinished = db.prepare<[], Row>("SELECT * FROM recordings WHERE status = 'recording'");
    this.#delete = db.prepare<[string]>('DELETE FROM recordings WHERE id = ?');
    this.#playable = db.prepare<[string], Row>(
      "SELECT * FROM recordings WHERE session_id = ? AND status IN ('done', 'interrupted') AND duration_ms > 0 ORDER BY started_at_ms DESC LIMIT 1",
    );
  }

  /** Stores a new recording. */
  insert(recording: StoredRecording): void {
    this.#insert.run(recording);
  }

  /** Sets how a recording ended. */
  finish(id: string, status: RecordingStatus, endedAtMs: number, durationMs: number | null): void {
    this.#finish.run({ id, status, endedAtMs, durationMs });
  }

  /** One recording, if there is one with this id. */
  get(id: string): StoredRecording | undefined {
    const row = this.#get.get(id);
    return row && toRecording(row);
  }

  /** Every recording, newest first. */
  all(): StoredRecording[] {
    return this.#all.all().map(toRecording);
  }

  /** Recordings still marked as being written (after a crash, none is). */
  unfinished(): StoredRecording[] {
    return this.#unfinished.all().map(toRecording);
  }

  /** Forgets a recording. */
  delete(id: string): void {
    this.#delete.run(id);
  }

  /** The newest finished recording of a session with something in it. */
  playable(sessionId: string): StoredRecording | undefined {
    const row = this.#playable.get(sessionId);
    return row && toRecording(row);
  }
}
