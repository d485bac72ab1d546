import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Grant } from '@hybrid-stage/shared';
import type { ClientSession } from './ClientSession';
import { ClientLink, type LinkSocket } from './ClientLink';

/** Who is connecting: the grant of its access token, and the resume token it sent if it is coming back. */
export interface Connecting {
  grant: Grant;
  /** Whether it connected with an access token (an invite link or a viewer registration). */
  withToken: boolean;
  /** The resume token of the session it held before its connection dropped. */
  resume?: string | undefined;
}

/** A client's link on connect, and whether it is the one the client had before a drop. */
export interface Connected<S extends LinkSocket> {
  readonly link: ClientLink<S>;
  readonly resumed: boolean;
}

const newToken = () => randomBytes(24).toString('base64url');

/**
 * Keeps every client's session (transports, producers, consumers, feeds) across a short drop of
 * its signaling connection, as one {@link ClientLink} per client. Each has a secret resume token,
 * given to its client; a client that reconnects with it within `graceMs` gets the session back as
 * it was, so the browser's media never stops, and the notices it missed. A session whose client
 * does not come back is closed when the grace period ends. The one owner of resume: the signaling
 * layer only says when a connection comes and goes.
 */
export class ClientSessionKeeper<S extends LinkSocket = LinkSocket> {
  readonly #graceMs: number;
  readonly #byToken = new Map<string, ClientLink<S>>();
  readonly #links = new Set<ClientLink<S>>();
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
    return [...this.#links].filter((l) => l.expiry).length;
  }

  /**
   * A client connected on `socket`. If its resume token names a session still open and it has the
   * same grant (and an access token if the first connection had one), it gets that link back: no
   * longer waiting to be closed, on this connection, with a new resume token (the one used works
   * once). Otherwise a new link with the session `open` makes. Once the keeper is closed (the server
   * is stopping) a new session is closed at once and its token resumes nothing.
   */
  connect(socket: S, client: Connecting, open: (link: ClientLink<S>) => ClientSession): Connected<S> {
    const resumed = client.resume === undefined ? undefined : this.#resume(client.resume, client);
    if (resumed) {
      resumed.attach(socket);
      return { link: resumed, resumed: true };
    }
    const link = new ClientLink(socket, client.withToken, newToken(), open);
    if (this.#closed) link.session.close();
    else {
      this.#byToken.set(link.token, link);
      this.#links.add(link);
    }
    return { link, resumed: false };
  }

  /**
   * `socket` dropped. Nothing changes if a newer connection took the link over. A client that left
   * for good (closed its connection itself) has its session closed now; any other drop may be a
   * network blip: the session waits the grace period, unless it holds no media or feeds.
   */
  disconnected(link: ClientLink<S>, socket: S, leftForGood: boolean): void {
    if (!link.detach(socket)) return;
    if (leftForGood) this.#release(link);
    else this.#hold(link);
  }

  /** Closes every session, connected or held. Safe to call twice. */
  close(): void {
    this.#closed = true;
    for (const link of [...this.#links]) this.#release(link);
  }

  #resume(token: string, { grant, withToken }: Connecting): ClientLink<S> | undefined {
    const link = this.#byToken.get(token);
    if (!link || link.session.closed || link.withToken !== withToken || !isDeepStrictEqual(link.session.grant, grant)) return undefined;
    clearTimeout(link.expiry);
    link.expiry = undefined;
    this.#byToken.delete(link.token);
    link.token = newToken();
    this.#byToken.set(link.token, link);
    return link;
  }

  #hold(link: ClientLink<S>): void {
    if (!this.#links.has(link)) return;
    // Nothing held (a page that only read the agenda): nothing to wait for.
    if (this.#graceMs === 0 || !link.session.holdsMedia) return this.#release(link);
    clearTimeout(link.expiry);
    link.expiry = setTimeout(() => this.#release(link), this.#graceMs);
    link.expiry.unref();
  }

  /** The client left for good (or its grace period ended): its session closes now. */
  #release(link: ClientLink<S>): void {
    clearTimeout(link.expiry);
    link.expiry = undefined;
    this.#byToken.delete(link.token);
    this.#links.delete(link);
    link.session.close();
  }
}
