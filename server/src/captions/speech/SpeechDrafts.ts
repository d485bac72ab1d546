import { join } from 'node:path';
import type { ChannelRegistry } from '../../program/ChannelRegistry';
import type { Logger } from '../../logger';
import { MAX_CUE_TEXT } from '@hybrid-stage/shared';
import type { CaptionPipeline } from '../CaptionPipeline';
import type { Listening, Phrase, SpeechEngine } from './SpeechEngine';

/** How often the channels are looked at, to start a recognizer that ended (ffmpeg exited, the worker died). */
const TEND_MS = 2000;
/** A recognizer that ended within this of its start failed to start: the next try waits twice as long as the last, up to a minute. */
const QUICK_END_MS = 10_000;
const MAX_RETRY_MS = 60_000;

/** Options of {@link SpeechDrafts}. */
export interface SpeechDraftsOptions {
  channels: ChannelRegistry;
  captions: CaptionPipeline;
  engine: SpeechEngine;
  /** The channels whose program is listened to. */
  channelIds: readonly string[];
  /** Whether English phrases wait as drafts for a desk (true) or go out at once. */
  review: boolean;
  /** A private directory for the engine's files (the program's SDP). */
  dir: string;
  logger: Logger;
}

/**
 * Speech recognition drafts (issue 18): the floor audio of each configured channel's program is
 * listened to by a {@link SpeechEngine}, and each phrase it hears becomes an English cue, timed on
 * the program clock, with source `speech`: a draft that the English desk accepts or corrects (the
 * review flow of machine translations), or live at once without review. A live English cue is then
 * machine-translated like any other. A recognizer that ends (its ffmpeg exited, the program's
 * worker died and the bus was rebuilt) is started again on the channel's current bus.
 */
export class SpeechDrafts {
  readonly #options: SpeechDraftsOptions;
  readonly #listening = new Map<string, { now: Listening | 'starting'; startedAt: number }>();
  /** Per channel, the next start after failures, and the failures in a row. */
  readonly #retry = new Map<string, { at: number; failures: number }>();
  /** Per channel, the end of the last phrase: the next one does not start before it. */
  readonly #lastEnd = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  #closed = false;

  constructor(options: SpeechDraftsOptions) {
    this.#options = options;
    this.#timer = setInterval(() => this.#tend(), TEND_MS);
    this.#timer.unref();
    this.#tend();
  }

  /** Stops every recognizer. Safe to call twice. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const { now } of this.#listening.values()) if (now !== 'starting') now.close();
    this.#listening.clear();
  }

  #tend(): void {
    const now = Date.now();
    for (const channelId of this.#options.channelIds) {
      const current = this.#listening.get(channelId);
      if (current?.now === 'starting' || (current && !current.now.ended)) continue;
      if (current) this.#ended(channelId, current.startedAt);
      if (now < (this.#retry.get(channelId)?.at ?? 0)) continue;
      const entry: { now: Listening | 'starting'; startedAt: number } = { now: 'starting', startedAt: now };
      this.#listening.set(channelId, entry);
      this.#start(channelId).then(
        (listening) => {
          if (this.#closed) listening.close();
          else entry.now = listening;
        },
        (err: unknown) => {
          this.#listening.delete(channelId);
          this.#ended(channelId, now);
          this.#options.logger.warn({ err, channelId }, 'cannot listen to the program for speech; trying again');
        },
      );
    }
  }

  /** A recognizer started at `startedAt` ended: a quick end is a failure, and the next start waits longer. */
  #ended(channelId: string, startedAt: number): void {
    this.#listening.delete(channelId);
    const failures = Date.now() - startedAt < QUICK_END_MS ? (this.#retry.get(channelId)?.failures ?? 0) + 1 : 0;
    this.#retry.set(channelId, { failures, at: Date.now() + (failures ? Math.min(MAX_RETRY_MS, TEND_MS * 2 ** (failures - 1)) : 0) });
  }

  async #start(channelId: string): Promise<Listening> {
    const { channels, engine, dir, logger } = this.#options;
    const bus = channels.bus(channelId);
    if (bus.closed) throw new Error(`channel ${channelId} is being rebuilt`);
    const listening = await engine.listen({
      router: bus.router,
      producers: bus.producers,
      sdpFile: join(dir, `${channelId}.sdp`),
      logger: logger.child({ channel: channelId }),
      onPhrase: (phrase) => void this.#draft(channelId, phrase),
    });
    logger.info({ channelId, engine: engine.name }, 'listening to the program for speech');
    return listening;
  }

  async #draft(channelId: string, { text, endMs, words }: Phrase): Promise<void> {
    if (this.#closed) return; // a line ffmpeg wrote as it was stopped
    const { captions, engine, review, logger } = this.#options;
    // The engine says when a phrase ended; its start is reckoned from its length (about three
    // words a second), and never before the last one's end.
    const startMs = Math.max(this.#lastEnd.get(channelId) ?? 0, endMs - Math.min(8000, Math.max(800, words * 330)));
    this.#lastEnd.set(channelId, endMs);
    try {
      await captions.commit({
        channelId,
        language: 'en',
        startMs,
        endMs: Math.max(endMs, startMs + 1),
        text: text.slice(0, MAX_CUE_TEXT),
        source: 'speech',
        author: engine.name,
        status: review ? 'draft' : 'live',
      });
    } catch (err) {
      logger.warn({ err, channelId }, 'cannot store a speech recognition draft');
    }
  }
}
