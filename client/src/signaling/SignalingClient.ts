import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@hybrid-stage/shared/vocabulary';
import type { Ack, ClientToServerEvents, ErrorCode, Grant, RequestName, RequestOf, Responses, ServerToClientEvents } from '@hybrid-stage/shared';

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

  constructor(token?: string) {
    const auth = token ? { protocolVersion: PROTOCOL_VERSION, token } : { protocolVersion: PROTOCOL_VERSION };
    this.socket = io({ auth, transports: ['websocket'] });
    this.socket.on('session:grant', (grant) => (this.grant = grant));
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
