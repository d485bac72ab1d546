import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@hybrid-stage/shared/vocabulary';
import { ClusterPlacement, placedSocket } from './clusterPlacement';
import type { Placement } from '@hybrid-stage/shared';
import type { Ack, ClientToServerEvents, ErrorCode, Grant, RequestName, RequestOf, Responses, ServerToClientEvents, SessionResumable } from '@hybrid-stage/shared';

/** A request the server refused, with its stable code. */
export class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** A request the server did not acknowledge in time (the connection is down or the server is stuck); `request` rejects with it. */
export class NoAnswerError extends Error {
  constructor(readonly request: string) {
    super(`${request}: no answer from the server`);
    this.name = 'NoAnswerError';
  }
}

/** How long a request may wait for its acknowledgement. */
const REQUEST_TIMEOUT_MS = 10_000;

/** The typed socket.io connection: requests are promises of their acknowledgement's data. */
export class SignalingClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** Who the server takes this client to be; an anonymous viewer until it says otherwise. */
  grant: Grant = { role: 'viewer' };
  /** Whether the server has said who this client is yet (until then `grant` is only the default). */
  grantKnown = false;
  /** What the server said of this connection's session; undefined until it did, and while disconnected. */
  session: SessionResumable | undefined;
  /** The last session's resume token: sent when reconnecting, so a short drop keeps the media going. */
  #resume: string | undefined;

  /** The access token it connects with, if any. */
  token: string | undefined;

  /** In a cluster, where a watch page was placed and how it moves when that node fails it. */
  readonly placement: ClusterPlacement | undefined;

  /** `placement`: the node a cluster placed this page on; without it the page's own server. */
  constructor(token?: string, placement?: Placement) {
    this.token = token;
    // Asked on every (re)connect: the current access token, and the session to resume if any.
    const options = {
      auth: (send: (auth: object) => void) =>
        send({ protocolVersion: PROTOCOL_VERSION, ...(this.token && { token: this.token }), ...(this.#resume && { resume: this.#resume }) }),
      transports: ['websocket'],
    };
    if (placement) {
      const socket = placedSocket(placement, options);
      this.socket = socket;
      this.placement = new ClusterPlacement(socket, placement);
    } else {
      this.socket = io(options);
      this.placement = undefined;
    }
    this.socket.on('session:grant', (grant) => {
      this.grant = grant;
      this.grantKnown = true;
    });
    this.socket.on('session:resumable', (session) => {
      this.session = session;
      this.#resume = session.token;
    });
    this.socket.on('disconnect', () => (this.session = undefined));
    // A page that goes away says goodbye, so the server frees its media now rather than keep it
    // for a comeback; one restored from the back-forward cache connects again.
    window.addEventListener('pagehide', () => {
      this.#resume = undefined;
      this.socket.disconnect();
    });
    window.addEventListener('pageshow', (event) => {
      if (event.persisted && this.socket.disconnected) this.socket.connect();
    });
  }

  /** Connects again with `token` (a viewer who just registered), or without one (its token was refused). */
  connectWithToken(token: string | undefined): void {
    this.token = token;
    // A new grant: the old session is not carried over.
    this.#resume = undefined;
    this.socket.disconnect().connect();
  }

  /** Sends a request; resolves with its data or rejects with a RequestError. */
  async request<N extends RequestName>(name: N, payload: RequestOf<N>): Promise<Responses[N]> {
    const emit = this.socket.timeout(REQUEST_TIMEOUT_MS).emitWithAck as unknown as (
      name: N,
      payload: RequestOf<N>,
    ) => Promise<Ack<Responses[N]>>;
    let response: Ack<Responses[N]>;
    try {
      response = await emit.call(this.socket.timeout(REQUEST_TIMEOUT_MS), name, payload);
    } catch {
      throw new NoAnswerError(name);
    }
    if (!response.ok) throw new RequestError(response.error.code, response.error.message);
    return response.data;
  }

  close(): void {
    this.socket.close();
  }
}
