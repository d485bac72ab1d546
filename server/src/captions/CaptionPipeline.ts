import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { LANGUAGES, type Cue, type CueSource, type CueStatus, type IngestCue, type IngestResult, type Language, type LanguageCoverage } from '@hybrid-stage/shared';
import type { Agenda } from '../agenda/Agenda';
import { AppError, NotFoundError } from '../errors';
import { ClientRateLimits } from '../limits/ClientRateLimits';
import type { Logger } from '../logger';
import type { CaptionStore, StoredCue } from './CaptionStore';
import type { Translator } from './translation/Translator';

/** How many cues a late joiner gets. */
const LATE_JOINER_CUES = 5;
/** Without a session on air, a late joiner gets cues of this last stretch. */
const LATE_JOINER_WINDOW_MS = 10 * 60_000;
/** Desk cues must be about now: a desk types what it hears. */
const DESK_PAST_MS = 120_000;
const DESK_FUTURE_MS = 60_000;

/** Events of a {@link CaptionPipeline}. */
export interface CaptionPipelineEvents {
  /** A live cue, new or revised: to viewers of its channel and language. */
  cue: [cue: StoredCue];
  /** A machine draft, new or revised: to translator desks of its channel and language. */
  draft: [cue: StoredCue];
}

/** Options of a {@link CaptionPipeline}. */
export interface CaptionPipelineOptions {
  store: CaptionStore;
  agenda: Agenda;
  /** Channels that exist. */
  channelIds: ReadonlySet<string>;
  /** Machine translation per target language. */
  translators: ReadonlyMap<Language, Translator>;
  /** Whether machine translations wait as drafts for a translator (else they go out at once). */
  review: boolean;
  /**
   * Provider cues one token may send per minute, over HTTP and sockets together
   * (CAPTION_INGEST_PER_MINUTE); none: no limit beyond a connection's requests.
   */
  ingestPerMinute?: number;
  /** Channels whose program speech recognition drafts English for (ASR_CHANNELS), for the coverage overview. */
  speechChannels?: ReadonlySet<string>;
  logger: Logger;
}

/** A provider that sent a cue this recently still counts as producing its language. */
const PROVIDER_RECENT_MS = 120_000;

/** A new cue to store. */
export interface NewCue {
  channelId: string;
  language: Language;
  startMs: number;
  endMs: number;
  text: string;
  source: CueSource;
  author: string;
  providerCueId?: string;
  /** `draft` waits for a desk to accept it (a speech recognition draft under review); `live` by default. */
  status?: CueStatus;
}

/**
 * One pipeline for live captions, re-runs and films: cues from desks, providers' APIs, files and
 * machine translation are stored (every revision), put on the agenda session on air, and handed
 * to distribution. A correction is a new revision of the same cue id.
 */
export class CaptionPipeline extends EventEmitter<CaptionPipelineEvents> {
  readonly #options: CaptionPipelineOptions;
  /** Per channel and language, the last cues replayed by a re-run, for late joiners. */
  readonly #replayed = new Map<string, StoredCue[]>();
  /**
   * Provider cues per token: each may start a machine translation per language, so one token must
   * not keep them all busy. Cues, not requests (a batch of 100 costs 100). Per node (one provider
   * sends to one server; spread over N nodes it gets N allowances), like the other limits (ClientRateLimits).
   */
  readonly #ingestLimits: ClientRateLimits | undefined;
  /** Machine translations under way: a stop waits for them, so none writes to a closed database. */
  readonly #translating = new Set<Promise<void>>();
  #closed = false;

  constructor(options: CaptionPipelineOptions) {
    super();
    this.#options = options;
    if (options.ingestPerMinute) this.#ingestLimits = new ClientRateLimits(options.ingestPerMinute);
  }

  /** Caption cue revisions stored so far (for the operators' metrics). */
  storedCues(): Promise<number> {
    return this.#options.store.count();
  }

  /** The languages machine translation covers. */
  get machineLanguages(): Language[] {
    return [...this.#options.translators.keys()];
  }

  /** Stores a cue typed at a desk now; its times must be about now. */
  async commitFromDesk(cue: Omit<NewCue, 'source' | 'providerCueId'>): Promise<StoredCue> {
    const now = Date.now();
    if (cue.startMs < now - DESK_PAST_MS || cue.endMs > now + DESK_FUTURE_MS) {
      throw new AppError('INVALID_REQUEST', 'a desk cue must start within the last two minutes and end within the next minute');
    }
    return this.commit({ ...cue, source: 'desk' });
  }

  /** Stores a new cue (live unless `status` says draft) and sends it out, to viewers or to desks, once it is committed. */
  async commit(cue: NewCue): Promise<StoredCue> {
    this.#assertChannel(cue.channelId);
    const stored: StoredCue = {
      id: randomUUID(),
      revision: 1,
      channelId: cue.channelId,
      sessionId: this.#options.agenda.sessionAt(cue.channelId, cue.startMs)?.id ?? null,
      language: cue.language,
      startMs: cue.startMs,
      endMs: cue.endMs,
      text: cue.text,
      source: cue.source,
      status: cue.status ?? 'live',
      translatedFrom: null,
      author: cue.author,
      providerCueId: cue.providerCueId ?? null,
    };
    await this.#options.store.insert(stored);
    this.#published(stored);
    return stored;
  }

  /** Stores a new revision of a cue with new text (and times), and sends it out in place of the old one. */
  async correct(cueId: string, changes: { text: string; startMs?: number; endMs?: number }, author: string): Promise<StoredCue> {
    // Read and revise in one transaction per cue: two desks correcting at once make two revisions.
    const revised = await this.#options.store.transaction(`cue:${cueId}`, async (store) => {
      const current = await getIn(store, cueId);
      const startMs = changes.startMs ?? current.startMs;
      const endMs = changes.endMs ?? current.endMs;
      if (endMs <= startMs) throw new AppError('INVALID_REQUEST', 'endMs must be after startMs');
      const revised: StoredCue = { ...current, revision: current.revision + 1, text: changes.text, startMs, endMs, author };
      // A translator's edit of a machine draft (a translation, or speech recognition's) makes it theirs.
      if ((current.source === 'machine' || current.source === 'speech') && author !== current.author) revised.source = 'desk';
      await store.insert(revised);
      return revised;
    });
    this.#published(revised);
    return revised;
  }

  /** Sends out a machine draft, as it is or corrected. */
  async accept(cueId: string, author: string, text?: string): Promise<StoredCue> {
    const accepted = await this.#options.store.transaction(`cue:${cueId}`, async (store) => {
      const current = await getIn(store, cueId);
      if (current.status !== 'draft') throw new AppError('INVALID_STATE', `cue ${cueId} is already out`);
      const accepted: StoredCue = {
        ...current,
        revision: current.revision + 1,
        status: 'live',
        text: text ?? current.text,
        source: text !== undefined && text !== current.text ? 'desk' : current.source,
        author,
      };
      await store.insert(accepted);
      return accepted;
    });
    this.#published(accepted);
    return accepted;
  }

  /**
   * Stores a provider's batch in one transaction, idempotent by the provider's cue id: the same cue
   * again changes nothing; other text or times make a new revision (a correction). `token`: whose
   * allowance the cues take (its tokenKey); RATE_LIMITED past it.
   */
  async ingest(channelId: string, cues: IngestCue[], author: string, token: string): Promise<IngestResult[]> {
    this.#assertChannel(channelId);
    if (this.#ingestLimits && !this.#ingestLimits.take(token, cues.length)) {
      throw new AppError('RATE_LIMITED', `more than ${this.#ingestLimits.perMinute} cues a minute from this token; send fewer, or wait`);
    }
    const changed: StoredCue[] = [];
    const results = await this.#options.store.transaction(`channel:${channelId}`, async (store) => {
      const results: IngestResult[] = [];
      for (const cue of cues) {
        const existing = await store.byProvider(channelId, cue.language, cue.id);
        if (existing && existing.text === cue.text && existing.startMs === cue.startMs && existing.endMs === cue.endMs) {
          results.push({ id: cue.id, cueId: existing.id, revision: existing.revision, outcome: 'unchanged' });
          continue;
        }
        const stored: StoredCue = existing
          ? { ...existing, revision: existing.revision + 1, text: cue.text, startMs: cue.startMs, endMs: cue.endMs, author }
          : {
              id: randomUUID(),
              revision: 1,
              channelId,
              sessionId: this.#options.agenda.sessionAt(channelId, cue.startMs)?.id ?? null,
              language: cue.language,
              startMs: cue.startMs,
              endMs: cue.endMs,
              text: cue.text,
              source: 'api',
              status: 'live',
              translatedFrom: null,
              author,
              providerCueId: cue.id,
            };
        await store.insert(stored);
        changed.push(stored);
        results.push({ id: cue.id, cueId: stored.id, revision: stored.revision, outcome: existing ? 'corrected' : 'created' });
      }
      return results;
    });
    for (const cue of changed) this.#published(cue);
    return results;
  }

  /**
   * Stores the cues of a caption file for a session (a pre-recorded segment or film), as one
   * transaction: times in the file are relative to the session's start.
   */
  async importSession(
    channelId: string,
    sessionId: string,
    language: Language,
    cues: Array<{ startMs: number; endMs: number; text: string }>,
    author: string,
  ): Promise<{ cues: number; replaced: number }> {
    this.#assertChannel(channelId);
    const session = this.#options.agenda.get(sessionId);
    if (!session || session.channelId !== channelId) throw new NotFoundError('session', sessionId);
    const origin = Date.parse(session.startsAt);
    // New cues with ids of their own: not the channel's lock, which live captions wait on; imports
    // of one session and language take turns. One transaction: a file replaces the one imported
    // before (a corrected file sent again is not added to it) whole, or not at all.
    return this.#options.store.transaction(`import:${sessionId}:${language}`, async (store) => {
      const replaced = await store.deleteImported(sessionId, language);
      await store.insert(
        cues.map((cue) => ({
          id: randomUUID(),
          revision: 1,
          channelId,
          sessionId,
          language,
          startMs: origin + cue.startMs,
          endMs: origin + cue.endMs,
          text: cue.text,
          source: 'file' as const,
          status: 'live' as const,
          translatedFrom: null,
          author,
          providerCueId: null,
        })),
      );
      return { cues: cues.length, replaced };
    });
  }

  /** The newest revision of a cue; NOT_FOUND when there is none. */
  get(cueId: string): Promise<StoredCue> {
    return getIn(this.#options.store, cueId);
  }

  /** What a viewer joining now gets: the last few cues of the session on air (or of the last minutes). */
  async recent(channelId: string, language: Language): Promise<Cue[]> {
    this.#assertChannel(channelId);
    const now = Date.now();
    const session = this.#options.agenda.sessionAt(channelId, now);
    const since = session ? Date.parse(session.startsAt) : now - LATE_JOINER_WINDOW_MS;
    const live = await this.#options.store.recent(channelId, language, since, LATE_JOINER_CUES);
    const replayed = this.#replayed.get(`${channelId}:${language}`) ?? [];
    // A re-run on the channel it was recorded on sends the same cue ids again, later.
    const replayedIds = new Set(replayed.map((c) => c.id));
    return [...live.filter((c) => !replayedIds.has(c.id)), ...replayed]
      .sort((a, b) => a.startMs - b.startMs)
      .slice(-LATE_JOINER_CUES)
      .map(toWire);
  }

  /** Every live cue (newest revision, every language) of a channel starting in [fromMs, toMs): a recording's captions. */
  recorded(channelId: string, fromMs: number, toMs: number): Promise<StoredCue[]> {
    return this.#options.store.between(channelId, fromMs, toMs);
  }

  /**
   * Sends a recorded cue again on `channelId` with times moved onto the re-run's program clock
   * (nothing is stored: the cue keeps its id and revision, and its corrections are in it already).
   */
  replay(channelId: string, cue: StoredCue, startMs: number, endMs: number): void {
    this.#assertChannel(channelId);
    const replayed: StoredCue = { ...cue, channelId, startMs, endMs };
    const key = `${channelId}:${cue.language}`;
    this.#replayed.set(key, [...(this.#replayed.get(key) ?? []), replayed].slice(-LATE_JOINER_CUES));
    this.emit('cue', replayed);
  }

  /** Forgets a channel's replayed cues when its re-run ends. */
  endReplay(channelId: string): void {
    for (const key of this.#replayed.keys()) if (key.startsWith(`${channelId}:`)) this.#replayed.delete(key);
  }

  /**
   * Who or what produces each language of `channelId` now: desks open for it (`desksAt`, counted by
   * the signaling layer, which knows the connections), a provider that sent cues lately, machine
   * translation and how, speech recognition.
   */
  async coverage(channelId: string, desksAt: (language: Language) => Promise<number>): Promise<LanguageCoverage[]> {
    this.#assertChannel(channelId);
    const { translators, store, speechChannels } = this.#options;
    const since = Date.now() - PROVIDER_RECENT_MS;
    return Promise.all(
      LANGUAGES.map(async (language) => ({
        language,
        desks: await desksAt(language),
        provider: (await store.recent(channelId, language, since, 50)).some((c) => c.source === 'api'),
        machine: translators.get(language)?.author(language) ?? null,
        speech: language === 'en' && (speechChannels?.has(channelId) ?? false),
      })),
    );
  }

  /** Machine drafts of the last minutes still waiting for a translator. */
  async drafts(channelId: string, language: Language): Promise<Cue[]> {
    this.#assertChannel(channelId);
    return (await this.#options.store.drafts(channelId, language, Date.now() - LATE_JOINER_WINDOW_MS)).map(toWire);
  }

  /** Every live cue of a session in a language. */
  session(sessionId: string, language: Language): Promise<StoredCue[]> {
    return this.#options.store.session(sessionId, language);
  }

  #published(cue: StoredCue): void {
    this.emit(cue.status === 'live' ? 'cue' : 'draft', cue);
    if (cue.language === 'en' && cue.status === 'live' && cue.source !== 'machine' && !this.#closed) {
      const translating = this.#translate(cue).finally(() => this.#translating.delete(translating));
      this.#translating.add(translating);
    }
  }

  /**
   * Starts no machine translation from now on and resolves when those under way have ended. Called
   * once the translators stopped (which fails what waits for them), before the database closes.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#translating]);
  }

  /** Machine-translates an English cue into every language with a translator, as drafts or live cues. */
  async #translate(english: StoredCue): Promise<void> {
    const { translators, review, store, logger } = this.#options;
    for (const [language, translator] of translators) {
      if (this.#closed) return;
      try {
        const text = (await translator.translate(english.text, language)).slice(0, 500);
        const existing = await store.translationOf(english.id, language);
        // A translator who edited the translation keeps their words when the English is corrected.
        if (existing && existing.source !== 'machine') continue;
        const cue: StoredCue = existing
          ? { ...existing, revision: existing.revision + 1, text, startMs: english.startMs, endMs: english.endMs }
          : {
              id: randomUUID(),
              revision: 1,
              channelId: english.channelId,
              sessionId: english.sessionId,
              language,
              startMs: english.startMs,
              endMs: english.endMs,
              text,
              source: 'machine',
              status: review ? 'draft' : 'live',
              translatedFrom: english.id,
              author: translator.author(language),
              providerCueId: null,
            };
        await store.insert(cue);
        this.emit(cue.status === 'live' ? 'cue' : 'draft', cue);
      } catch (error) {
        // Stopping fails what the translators still held: not worth a warning each.
        if (!this.#closed) logger.warn({ err: error, language, translator: translator.name }, 'machine translation failed');
      }
    }
  }

  #assertChannel(channelId: string): void {
    if (!this.#options.channelIds.has(channelId)) throw new NotFoundError('channel', channelId);
  }
}

/** The newest revision of a cue in `store`; NOT_FOUND when there is none. */
async function getIn(store: CaptionStore, cueId: string): Promise<StoredCue> {
  const cue = await store.get(cueId);
  if (!cue) throw new NotFoundError('cue', cueId);
  return cue;
}

/** What clients see of a cue: no author or provider id. */
export function toWire(cue: StoredCue): Cue {
  const { author: _author, providerCueId: _provider, ...wire } = cue;
  return wire;
}
