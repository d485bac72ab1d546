import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Grant } from '@hybrid-stage/shared';
import type { ClientSession } from './ClientSession';

/** One session the keeper knows: its resume token and, while its client is away, the timer that ends it. */
interface Kept {
  readonly session: ClientSession;
  /** Whether its client connected with an access token (a registered viewer's grant equals an anonymous one's). */
  readonly withToken: boolean;
  /** The current resume token: a new one after every resume, so a token works once. */
  token: string;
  expiry: NodeJS.Timeout | undefined;
}

/** A session given back, with the token that resumes it next time. */
export interface Resumed {
  readonly session: ClientSession;
  readonly token: string;
}

const newToken = () => randomBytes(24).toString('base64url');

/**
 * Keeps every client's session (transports, producers, consumers, feeds) across a short drop of
 * its signaling connection. Each session has a secret resume token, given to its client; a client
 * that reconnects with it within `graceMs` gets the session back as it was, so the browser's media
 * never stops. A session whose client does not come back is closed when the grace period ends.
 * Knows nothing of sockets: the signaling layer says when a client drops, leaves or comes back.
 */
export class ClientSessionKeeper {
  readonly #graceMs: number;
  readonly #byToken = new Map<string, Kept>();
  readonly #bySession = new Map<ClientSession, Kept>();
  #closed = false;

  /** `graceMs` 0 closes a dropped client's session at once. */
  constructor(graceMs: number) {
    this.#graceMs = graceMs;
  }

  /** How long a dropped client's session is kept. */
  get graceMs(): number {
    return this.#graceMs;
  }

  /** Sessions whose client is away and may still come back. */
  get held(): number {
    return [...this.#byToken.values()].filter((k) => k.expiry).length;
  }

  /**
   * Starts keeping a new session (its client is connected, with an access token or not); returns
   * its resume token. Once the keeper is closed (the server is stopping) the session is closed at
   * once and its token resumes nothing.
   */
  add(session: ClientSession, withToken: boolean): string {
    if (this.#closed) {
      session.close();
      return newToken();
    }
    const kept: Kept = { session, withToken, token: newToken(), expiry: undefined };
    this.#byToken.set(kept.token, kept);
    this.#bySession.set(session, kept);
    return kept.token;
  }

  /**
   * The session a reconnecting client held, if `token` names one still open and the new connection
   * has the same grant (and an access token if the first had one); it is no longer waiting to be
   * closed, and gets a new resume token: the one used works only once.
   */
  resume(token: string, grant: Grant, withToken: boolean): Resumed | undefined {
    const kept = this.#byToken.get(token);
    if (!kept || kept.session.closed || kept.withToken !== withToken || !isDeepStrictEqual(kept.session.grant, grant)) return undefined;
    clearTimeout(kept.expiry);
    kept.expiry = undefined;
    this.#byToken.delete(kept.token);
    kept.token = newToken();
    this.#byToken.set(kept.token, kept);
    return { session: kept.session, token: kept.token };
  }

  /**
   * The client's connection dropped: its session is closed unless it resumes within the grace
   * period; one that holds no media or feeds is closed at once.
   */
  hold(session: ClientSession): void {
    const kept = this.#bySession.get(session);
    if (!kept) return;
    // Nothing held (a page that only read the agenda): nothing to wait for.
    if (this.#graceMs === 0 || !session.holdsMedia) return this.release(session);
    clearTimeout(kept.expiry);
    kept.expiry = setTimeout(() => this.release(session), this.#graceMs);
    kept.expiry.unref();
  }

  /** The client left for good (or its grace period ended): its session closes now. */
  release(session: ClientSession): void {
    const kept = this.#bySession.get(session);
    if (kept) {
      clearTimeout(kept.expiry);
      this.#byToken.delete(kept.token);
      this.#bySession.delete(session);
    }
    session.close();
  }

  /** Closes every session, connected or held. Safe to call twice. */
  close(): void {
    this.#closed = true;
    for (const session of [...this.#bySession.keys()]) this.release(session);
  }
}
