import type { Cue, CueSource, CueStatus, Language } from '@hybrid-stage/shared';
import type { Db, Tables } from '../persistence/Database';

/** A cue revision as stored, with who wrote it and the provider's id. */
export interface StoredCue extends Cue {
  author: string;
  providerCueId: string | null;
}

type Row = Tables['caption_cues'];

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

/** Rows per multi-row insert: 14 values each stays far below SQLite's and PostgreSQL's parameter limits. */
const INSERT_BATCH = 500;

/** Caption cues and all their revisions, in SQLite or PostgreSQL. Each write is committed when it resolves. */
export class CaptionStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** The newest revision of each cue, filtered further by the caller. */
  #newest() {
    return this.#db.db
      .selectFrom('caption_cues as c')
      .selectAll('c')
      .where('c.revision', '=', (eb) => eb.selectFrom('caption_cues as r').select((r) => r.fn.max('r.revision').as('m')).whereRef('r.id', '=', 'c.id'));
  }

  /** How many cue revisions are stored. */
  async count(): Promise<number> {
    const row = await this.#db.db.selectFrom('caption_cues').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Stores a revision, or many (a caption file's cues) in multi-row statements of at most
   * {@link INSERT_BATCH} rows rather than a round trip each; resolves once they are written.
   */
  async insert(cues: StoredCue | readonly StoredCue[]): Promise<void> {
    const rows = (Array.isArray(cues) ? cues : [cues]).map((cue: StoredCue) => ({
      id: cue.id,
      revision: cue.revision,
      channel_id: cue.channelId,
      session_id: cue.sessionId,
      language: cue.language,
      start_ms: cue.startMs,
      end_ms: cue.endMs,
      text: cue.text,
      source: cue.source,
      status: cue.status,
      author: cue.author,
      provider_cue_id: cue.providerCueId,
      translated_from: cue.translatedFrom,
      created_at: Date.now(),
    }));
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      await this.#db.db.insertInto('caption_cues').values(rows.slice(i, i + INSERT_BATCH)).execute();
    }
  }

  /** Removes a session's cues in `language` that came from a caption file (every revision of each); resolves with how many cues. */
  async deleteImported(sessionId: string, language: Language): Promise<number> {
    const ids = (
      await this.#db.db.selectFrom('caption_cues').select('id').distinct().where('session_id', '=', sessionId).where('language', '=', language).where('source', '=', 'file').execute()
    ).map((r) => r.id);
    for (let i = 0; i < ids.length; i += INSERT_BATCH) {
      await this.#db.db.deleteFrom('caption_cues').where('id', 'in', ids.slice(i, i + INSERT_BATCH)).execute();
    }
    return ids.length;
  }

  /** The newest revision of a cue. */
  async get(cueId: string): Promise<StoredCue | undefined> {
    const row = await this.#db.db.selectFrom('caption_cues').selectAll().where('id', '=', cueId).orderBy('revision', 'desc').limit(1).executeTakeFirst();
    return row && toCue(row);
  }

  /** The newest revision of the cue a provider sent with this id. */
  async byProvider(channelId: string, language: Language, providerCueId: string): Promise<StoredCue | undefined> {
    const row = await this.#db.db
      .selectFrom('caption_cues')
      .selectAll()
      .where('channel_id', '=', channelId)
      .where('language', '=', language)
      .where('provider_cue_id', '=', providerCueId)
      .orderBy('revision', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toCue(row);
  }

  /** The newest revision of the machine translation of an English cue into `language`. */
  async translationOf(englishCueId: string, language: Language): Promise<StoredCue | undefined> {
    const row = await this.#db.db
      .selectFrom('caption_cues')
      .selectAll()
      .where('translated_from', '=', englishCueId)
      .where('language', '=', language)
      .orderBy('revision', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toCue(row);
  }

  /** The last `limit` live cues of a channel and language starting at or after `sinceMs`, oldest first. */
  async recent(channelId: string, language: Language, sinceMs: number, limit: number): Promise<StoredCue[]> {
    const rows = await this.#newest()
      .where('c.channel_id', '=', channelId)
      .where('c.language', '=', language)
      .where('c.status', '=', 'live')
      .where('c.start_ms', '>=', sinceMs)
      .orderBy('c.start_ms', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toCue).reverse();
  }

  /** Drafts still waiting, of a channel and language, starting at or after `sinceMs`. */
  async drafts(channelId: string, language: Language, sinceMs: number): Promise<StoredCue[]> {
    const rows = await this.#newest()
      .where('c.channel_id', '=', channelId)
      .where('c.language', '=', language)
      .where('c.status', '=', 'draft')
      .where('c.start_ms', '>=', sinceMs)
      .orderBy('c.start_ms')
      .execute();
    return rows.map(toCue);
  }

  /** Every live cue of a session in a language, in time order. */
  async session(sessionId: string, language: Language): Promise<StoredCue[]> {
    const rows = await this.#newest()
      .where('c.session_id', '=', sessionId)
      .where('c.language', '=', language)
      .where('c.status', '=', 'live')
      .orderBy('c.start_ms')
      .orderBy('c.id')
      .execute();
    return rows.map(toCue);
  }

  /** Every live cue of a channel, in every language, starting in [fromMs, toMs), in time order. */
  async between(channelId: string, fromMs: number, toMs: number): Promise<StoredCue[]> {
    const rows = await this.#newest()
      .where('c.channel_id', '=', channelId)
      .where('c.status', '=', 'live')
      .where('c.start_ms', '>=', fromMs)
      .where('c.start_ms', '<', toMs)
      .orderBy('c.start_ms')
      .orderBy('c.id')
      .execute();
    return rows.map(toCue);
  }

  /**
   * Runs `work` in one transaction, given a store whose reads and writes are in it; only that store
   * may be used inside. Transactions on one `lock` (a channel, a cue) take turns, so a cue is read
   * and revised by one at a time.
   */
  transaction<T>(lock: string, work: (store: CaptionStore) => Promise<T>): Promise<T> {
    return this.#db.transaction(`captions:${lock}`, (tx) => work(new CaptionStore(tx)));
  }
}
