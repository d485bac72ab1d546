import type { SessionResumable } from '@hybrid-stage/shared';
import type { SignalingClient } from '../signaling/SignalingClient';
import { MediaSession } from './MediaSession';

/** Where a studio's publishing stands, as its page shows it. */
export type PublishState = { kind: 'idle' } | { kind: 'starting' } | { kind: 'live'; feedId: string } | { kind: 'error'; error: unknown };

/** What a Publisher publishes on: a MediaSession's sending half (a stand-in in unit tests). */
export interface SendingSession {
  publish(feedId: string, track: MediaStreamTrack): Promise<unknown>;
  sendStats(): Promise<RTCStatsReport | undefined>;
  close(): void;
}

/** What going live needs. */
export interface GoLive {
  studioId: string;
  /** The feed's name in the console. */
  label: string;
  /** Asks the browser for the camera and microphone, or the screen (its refusal is the error shown). */
  capture: () => Promise<MediaStream>;
  /** The captured stream, as soon as the browser gave it (for the preview). */
  onCaptured?: (stream: MediaStream) => void;
}

/** How a Publisher retries; the defaults are the studio page's. */
export interface PublisherOptions {
  /** Tries at republishing after the server lost the feed's media. */
  tries?: number;
  /** The wait between them. */
  retryMs?: number;
  /** Opens the media session the tracks are published on. */
  openSession?: (signaling: SignalingClient) => SendingSession;
}

/**
 * A studio's publishing, outside React: captures the tracks, opens a feed and publishes them on a
 * media session of its own, and while live puts the feed back by itself: after its media worker
 * died (`media:lost`: the feed stays, its tracks are published again on a new session), and after a
 * reconnect that did not resume the session (the server restarted or the page was away too long: a
 * feed is opened again). After `tries` failed tries it gives up: the camera goes off and the dead
 * feed leaves the console, as after {@link end}.
 *
 * The page renders {@link state} and calls {@link goLive} and {@link end}; {@link subscribe} says when
 * the state changed.
 */
export class Publisher {
  readonly #signaling: SignalingClient;
  readonly #tries: number;
  readonly #retryMs: number;
  readonly #openSession: (signaling: SignalingClient) => SendingSession;
  readonly #listeners = new Set<() => void>();
  #state: PublishState = { kind: 'idle' };
  #session: SendingSession | undefined;
  #stream: MediaStream | undefined;
  /** The feed's studio and name while live, for a feed opened again. */
  #feed: { studioId: string; label: string } | undefined;
  /** Counts recoveries (and stops): only the newest goes on (a media:lost and a fresh session can come together). */
  #generation = 0;
  #closed = false;

  constructor(signaling: SignalingClient, { tries = 5, retryMs = 1500, openSession = (s) => new MediaSession(s) }: PublisherOptions = {}) {
    this.#signaling = signaling;
    this.#tries = tries;
    this.#retryMs = retryMs;
    this.#openSession = openSession;
    signaling.socket.on('media:lost', this.#onLost);
    signaling.socket.on('session:resumable', this.#onSession);
  }

  /** The current state. */
  readonly current = (): PublishState => this.#state;

  /** Calls `listener` whenever the state changes; returns the unsubscribe. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  };

  /** Captures, opens a feed in the studio and publishes into it: `starting`, then `live` or `error`. */
  async goLive({ studioId, label, capture, onCaptured }: GoLive): Promise<void> {
    if (this.#closed) return;
    // The page may close (or end) while the camera, the server or the transport is awaited: then
    // what this start made by then is undone, not left running behind a page that is gone.
    const mine = this.#generation;
    const overtaken = () => this.#closed || mine !== this.#generation;
    let stream: MediaStream | undefined;
    let feedId: string | undefined;
    this.#set({ kind: 'starting' });
    try {
      stream = await capture();
      if (overtaken()) return this.#undo(stream, feedId);
      this.#stream = stream;
      onCaptured?.(stream);
      feedId = (await this.#signaling.request('feed:open', { studioId, label })).id;
      if (overtaken()) return this.#undo(stream, feedId);
      await this.#publishInto(feedId);
      if (overtaken()) return this.#undo(stream, feedId);
      // Ending a screen share from the browser's own bar ends the feed (whichever it is by then).
      stream.getVideoTracks()[0]?.addEventListener('ended', () => this.end());
      this.#feed = { studioId, label };
      this.#set({ kind: 'live', feedId });
    } catch (error) {
      if (overtaken()) return this.#undo(stream, feedId);
      this.#stop();
      this.#set({ kind: 'error', error });
    }
  }

  /** Undoes an overtaken start: its tracks stop, and the feed it opened (if any) is closed. */
  #undo(stream: MediaStream | undefined, feedId: string | undefined): void {
    stream?.getTracks().forEach((t) => t.stop());
    if (feedId) void this.#signaling.request('feed:close', { feedId }).catch(() => undefined);
  }

  /** Closes the feed on the server, stops the camera: `idle`. */
  end(): void {
    const feedId = this.#liveFeedId();
    if (feedId) void this.#signaling.request('feed:close', { feedId }).catch(() => undefined);
    this.#stop();
    this.#set({ kind: 'idle' });
  }

  /** Statistics of the sending transport (the outgoing bitrate). */
  async sendStats(): Promise<RTCStatsReport | undefined> {
    return this.#session?.sendStats();
  }

  /** Stops the camera and the media session and stops listening (the page closed). Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#signaling.socket.off('media:lost', this.#onLost);
    this.#signaling.socket.off('session:resumable', this.#onSession);
    this.#stop();
    this.#listeners.clear();
  }

  readonly #onLost = (): void => void this.#recover(false);

  readonly #onSession = ({ resumed }: SessionResumable): void => {
    if (!resumed) void this.#recover(true);
  };

  #liveFeedId(): string | undefined {
    return this.#state.kind === 'live' ? this.#state.feedId : undefined;
  }

  /** Publishes the captured tracks into `feedId` on a new media session (the old one's transports are gone). */
  async #publishInto(feedId: string): Promise<void> {
    this.#session?.close();
    const session = (this.#session = this.#openSession(this.#signaling));
    for (const track of this.#stream?.getTracks() ?? []) await session.publish(feedId, track);
  }

  /** Puts the live feed back: the same feed again, or (`reopen`) a new one. */
  async #recover(reopen: boolean): Promise<void> {
    const liveFeedId = this.#liveFeedId();
    const feed = this.#feed;
    if (!liveFeedId || !feed) return;
    const mine = ++this.#generation;
    const current = () => mine === this.#generation && !this.#closed;
    for (let attempt = 1; current(); attempt++) {
      try {
        const feedId = reopen ? (await this.#signaling.request('feed:open', feed)).id : liveFeedId;
        if (!current()) {
          // Overtaken meanwhile: a feed opened for nothing is closed again.
          if (reopen) void this.#signaling.request('feed:close', { feedId }).catch(() => undefined);
          return;
        }
        await this.#publishInto(feedId);
        if (current() && feedId !== liveFeedId) this.#set({ kind: 'live', feedId });
        return;
      } catch (error) {
        if (attempt >= this.#tries) {
          // Giving up: the camera goes off and the dead feed leaves the console, as after end().
          if (current()) {
            void this.#signaling.request('feed:close', { feedId: liveFeedId }).catch(() => undefined);
            this.#stop();
            this.#set({ kind: 'error', error });
          }
          return;
        }
        await new Promise((r) => setTimeout(r, this.#retryMs));
      }
    }
  }

  /** Stops the camera and the media session; a recovery under way stops too. */
  #stop(): void {
    this.#generation++;
    this.#session?.close();
    this.#session = undefined;
    this.#stream?.getTracks().forEach((t) => t.stop());
    this.#stream = undefined;
    this.#feed = undefined;
  }

  #set(state: PublishState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}
