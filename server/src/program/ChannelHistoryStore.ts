import { z } from 'zod';
import type { Logger } from '../logger';
import type { Db } from '../persistence/Database';
import type { BusHistory } from './ProgramBus';

/** A stored cut, checked when read back (the column is JSON text). */
const StoredCut = z.object({
  at: z.string(),
  feedId: z.string().nullable(),
  label: z.string().nullable(),
  reason: z.enum(['take', 'failover', 'feed-ended', 'recovery']),
  by: z.string(),
  version: z.number().int(),
});

/**
 * Each channel's version and cut log in SQLite or PostgreSQL, so a restarted server, or a standby
 * origin taking over, carries on with them: the producers' log keeps what was on air before, and
 * the version goes on rising, so viewers who stayed connected (on an edge, through a take-over)
 * take the new origin's channel states instead of ignoring them as older than theirs.
 *
 * Written after every change of a channel, the newest state of each channel only, one write at a
 * time; a failed write is logged and the next change writes again. A change made in the last
 * milliseconds before the server is killed may be missing from it (the write was under way); the
 * next server's first change then carries a version viewers already hold, and they take the one
 * after it.
 */
export class ChannelHistoryStore {
  readonly #db: Db;
  readonly #logger: Logger;
  /** The newest history of each channel not written yet. */
  readonly #unwritten = new Map<string, BusHistory>();
  #writing: Promise<void> | undefined;

  constructor(db: Db, logger: Logger) {
    this.#db = db;
    this.#logger = logger;
  }

  /** Every channel's stored history; a row that does not read back is left out, with a warning. */
  async load(): Promise<Map<string, BusHistory>> {
    const rows = await this.#db.db.selectFrom('channel_history').selectAll().execute();
    const histories = new Map<string, BusHistory>();
    for (const row of rows) {
      const cuts = z.array(StoredCut).safeParse(parseJson(row.cuts));
      if (cuts.success) histories.set(row.channel_id, { version: Number(row.version), cuts: cuts.data });
      else this.#logger.warn({ channelId: row.channel_id }, 'stored cut log unreadable: the channel starts a new one');
    }
    return histories;
  }

  /** Stores `history` as `channelId`'s newest (written soon, in order). */
  save(channelId: string, history: BusHistory): void {
    this.#unwritten.set(channelId, { version: history.version, cuts: [...history.cuts] });
    this.#write();
  }

  /** Resolves once everything saved so far is written (or failed). */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  #write(): void {
    if (this.#writing) return;
    this.#writing = this.#drain().finally(() => {
      this.#writing = undefined;
      if (this.#unwritten.size > 0) this.#write();
    });
  }

  async #drain(): Promise<void> {
    for (const [channelId, history] of this.#unwritten) {
      this.#unwritten.delete(channelId);
      const row = { version: history.version, cuts: JSON.stringify(history.cuts), updated_at: Date.now() };
      try {
        await this.#db.db
          .insertInto('channel_history')
          .values({ channel_id: channelId, ...row })
          .onConflict((oc) => oc.column('channel_id').doUpdateSet(row))
          .execute();
      } catch (err) {
        this.#logger.warn({ err, channelId }, 'cannot store the cut log; the next change tries again');
      }
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
