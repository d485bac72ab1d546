import type { ClientSession } from './ClientSession';

/** What a link needs of a connection: whether it is up, and a way to drop it. */
export interface LinkSocket {
  readonly connected: boolean;
  disconnect(close?: boolean): unknown;
}

/** A notice for a client, sent on whichever connection it has when it goes out. */
export type Notice<S> = (socket: S) => void;

/** At most this many notices wait for a client that is away (a media:lost makes the rest moot). */
export const MAX_MISSED = 64;

/**
 * One client as the server keeps it across drops of its connection: its session, the resume token
 * it holds now, the connection it talks on (none while it is away), the notices it missed meanwhile,
 * and the timer that ends it if it does not come back. Owned by the {@link ClientSessionKeeper}.
 */
export class ClientLink<S extends LinkSocket = LinkSocket> {
  readonly session: ClientSession;
  /** Whether its client connected with an access token (a registered viewer's grant equals an anonymous one's). */
  readonly withToken: boolean;
  /** The resume token its client holds now: a new one after every resume, so a token works once. */
  token: string;
  #socket: S | undefined;
  readonly #missed: Notice<S>[] = [];
  /** Set while its client is away: ends the session when the grace period is over. */
  expiry: NodeJS.Timeout | undefined;

  /** `open` makes the session; it may keep the link to notify its client. */
  constructor(socket: S, withToken: boolean, token: string, open: (link: ClientLink<S>) => ClientSession) {
    this.#socket = socket;
    this.withToken = withToken;
    this.token = token;
    this.session = open(this);
  }

  /** The connection its client talks on now; undefined while it is away. */
  get socket(): S | undefined {
    return this.#socket;
  }

  /** Sends `notice` now, or keeps it (up to {@link MAX_MISSED}) for when the client is back. */
  notify(notice: Notice<S>): void {
    if (this.#socket?.connected) notice(this.#socket);
    else if (this.#missed.length < MAX_MISSED) this.#missed.push(notice);
  }

  /** Sends a notice that makes every earlier one moot (the media is lost): it alone must reach a client that comes back. */
  notifyAlone(notice: Notice<S>): void {
    if (!this.#socket?.connected) this.#missed.length = 0;
    this.notify(notice);
  }

  /** `socket` takes the link over; the old connection, if it has not noticed its drop yet, is cut. */
  attach(socket: S): void {
    const previous = this.#socket;
    this.#socket = socket;
    if (previous !== socket && previous?.connected) previous.disconnect(true);
  }

  /** `socket` dropped; false when a newer connection had taken the link over already. */
  detach(socket: S): boolean {
    if (this.#socket !== socket) return false;
    this.#socket = undefined;
    return true;
  }

  /** Sends what the client missed while it was away, in order, on its connection. */
  deliverMissed(): void {
    const socket = this.#socket;
    if (!socket) return;
    for (const notice of this.#missed.splice(0)) notice(socket);
  }
}
