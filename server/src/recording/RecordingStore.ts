import type { RecordingStatus } from '@hybrid-stage/shared';
import type { Db, Tables } from '../persistence/Database';

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

type Row = Tables['recordings'];

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

/** Recordings, in SQLite or PostgreSQL; each write is committed when it resolves. */
export class RecordingStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Stores a new recording. */
  async insert(recording: StoredRecording): Promise<void> {
    await this.#db.db
      .insertInto('recordings')
      .values({
        id: recording.id,
        channel_id: recording.channelId,
        session_id: recording.sessionId,
        file: recording.file,
        started_at_ms: recording.startedAtMs,
        ended_at_ms: recording.endedAtMs,
        duration_ms: recording.durationMs,
        status: recording.status,
        trigger: recording.trigger,
      })
      .execute();
  }

  /** Sets how a recording ended. */
  async finish(id: string, status: RecordingStatus, endedAtMs: number, durationMs: number | null): Promise<void> {
    await this.#db.db.updateTable('recordings').set({ status, ended_at_ms: endedAtMs, duration_ms: durationMs }).where('id', '=', id).execute();
  }

  /** One recording, if there is one with this id. */
  async get(id: string): Promise<StoredRecording | undefined> {
    const row = await this.#db.db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecording(row);
  }

  /** Every recording, newest first. */
  async all(): Promise<StoredRecording[]> {
    const rows = await this.#db.db.selectFrom('recordings').selectAll().orderBy('started_at_ms', 'desc').execute();
    return rows.map(toRecording);
  }

  /** Recordings still marked as being written (after a crash, none is). */
  async unfinished(): Promise<StoredRecording[]> {
    const rows = await this.#db.db.selectFrom('recordings').selectAll().where('status', '=', 'recording').execute();
    return rows.map(toRecording);
  }

  /** Forgets a recording. */
  async delete(id: string): Promise<void> {
    await this.#db.db.deleteFrom('recordings').where('id', '=', id).execute();
  }

  /** The newest finished recording of a session with something in it. */
  async playable(sessionId: string): Promise<StoredRecording | undefined> {
    const row = await this.#db.db
      .selectFrom('recordings')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('status', 'in', ['done', 'interrupted'])
      .where('duration_ms', '>', 0)
      .orderBy('started_at_ms', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toRecording(row);
  }
}
