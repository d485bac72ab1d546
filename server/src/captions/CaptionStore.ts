import type { Cue, CueSource, CueStatus, Language } from '@hybrid-stage/shared';
import type { Db } from '../persistence/Database';

/** A cue revision as stored, with who wrote it and the provider's id. */
export interface StoredCue extends Cue {
  author: string;
  providerCueId: string | null;
}

interface Row {
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
}

const toCue = (r: Row): StoredCue => ({
  id: r.id,
  revision: r.revision,
  channelId: r.channel_id,
  sessionId: r.session_id,
  language: r.language as Language,
  startMs: r.start_ms,
  endMs: r.end_ms,
  text: r.text,
  source: r.source as CueSource,
  status: r.status as CueStatus,
  translatedFrom: r.translated_from,
  author: r.author,
  providerCueId: r.provider_cue_id,
});

/** Newest revision of each cue, as a subquery over `caption_cues`. */
const NEWEST = `SELECT c.* FROM caption_cues c
  WHERE c.revision = (SELECT MAX(revision) FROM caption_cues WHERE id = c.id)`;

/** Caption cues and all their revisions in SQLite. Each write is its own committed transaction. */
export class CaptionStore {
  readonly #db: Db;
  readonly #insert;
  readonly #byId;
  readonly #byProvider;
  readonly #recent;
  readonly #session;
  readonly #translation;
  readonly #drafts;
  readonly #count;
  readonly #between;

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare(`INSERT INTO caption_cues
      (id, revision, channel_id, session_id, language, start_ms, end_ms, text, source, status, author, provider_cue_id, translated_from, created_at)
      VALUES (@id, @revision, @channelId, @sessionId, @language, @startMs, @endMs, @text, @source, @status, @author, @providerCueId, @translatedFrom, @createdAt)`);
    this.#byId = db.prepare<[string], Row>('SELECT * FROM caption_cues WHERE id = ? ORDER BY revision DESC LIMIT 1');
    this.#byProvider = db.prepare<[string, string, string], Row>(
      'SELECT * FROM caption_cues WHERE channel_id = ? AND language = ? AND provider_cue_id = ? ORDER BY revision DESC LIMIT 1',
    );
    this.#recent = db.prepare<[string, string, number, number], Row>(
      `SELECT * FROM (${NEWEST}) WHERE channel_id = ? AND language = ? AND status = 'live' AND start_ms >= ? ORDER BY start_ms DESC LIMIT ?`,
    );
    this.#translation = db.prepare<[string, string], Row>(
      'SELECT * FROM caption_cues WHERE translated_from = ? AND language = ? ORDER BY revision DESC LIMIT 1',
    );
    this.#drafts = db.prepare<[string, string, number], Row>(
      `SELECT * FROM (${NEWEST}) WHERE channel_id = ? AND language = ? AND status = 'draft' AND start_ms >= ? ORDER BY start_ms`,
    );
    this.#between = db.prepare<[string, number, number], Row>(
      `SELECT * FROM (${NEWEST}) WHERE channel_id = ? AND status = 'live' AND start_ms >= ? AND start_ms < ? ORDER BY start_ms, id`,
    );
    this.#session = db.prepare<[string, string], Row>(
      `SELECT * FROM (${NEWEST}) WHERE session_id = ? AND language = ? AND status = 'live' ORDER BY start_ms, id`,
    );
    this.#count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM caption_cues');
  }

  /** How many cue revisions are stored. */
  count(): number {
    return this.#count.get()!.n;
  }

  /** Stores a revision; resolves once it is committed. */
  insert(cue: StoredCue): void {
    this.#insert.run({ ...cue, createdAt: Date.now() });
  }

  /** The newest revision of a cue. */
  get(cueId: string): StoredCue | undefined {
    const row = this.#byId.get(cueId);
    return row && toCue(row);
  }

  /** The newest revision of the cue a provider sent with this id. */
  byProvider(channelId: string, language: Language, providerCueId: string): StoredCue | undefined {
    const row = this.#byProvider.get(channelId, language, providerCueId);
    return row && toCue(row);
  }

  /** The newest revision of the machine translation of an English cue into `language`. */
  translationOf(englishCueId: string, language: Language): StoredCue | undefined {
    const row = this.#translation.get(englishCueId, language);
    return row && toCue(row);
  }

  /** The last `limit` live cues of a channel and language starting at or after `sinceMs`, oldest first. */
  recent(channelId: string, language: Language, sinceMs: number, limit: number): StoredCue[] {
    return this.#recent.all(channelId, language, sinceMs, limit).map(toCue).reverse();
  }

  /** Drafts still waiting, of a channel and language, starting at or after `sinceMs`. */
  drafts(channelId: string, language: Language, sinceMs: number): StoredCue[] {
    return this.#drafts.all(channelId, language, sinceMs).map(toCue);
  }

  /** Every live cue of a session in a language, in time order. */
  session(sessionId: string, language: Language): StoredCue[] {
    return this.#session.all(sessionId, language).map(toCue);
  }

  /** Every live cue of a channel, in every language, starting in [fromMs, toMs), in time order. */
  between(channelId: string, fromMs: number, toMs: number): StoredCue[] {
    return this.#between.all(channelId, fromMs, toMs).map(toCue);
  }

  /** Runs `work` in one transaction. */
  transaction<T>(work: () => T): T {
    return this.#db.transaction(work)();
  }
}
