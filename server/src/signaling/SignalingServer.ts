import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import {
  HandshakeAuth,
  PROTOCOL_VERSION,
  Requests,
  type Ack,
  type ClientToServerEvents,
  type EventInfo,
  type RequestName,
  type ServerToClientEvents,
} from '@hybrid-stage/shared';
import { AppError, toWireError } from '../errors';
import type { Logger } from '../logger';
import type { WorkerPool } from '../media/WorkerPool';
import type { FeedRegistry } from '../studios/FeedRegistry';
import { ClientSession } from './ClientSession';
import { feedHandlers } from './feedHandlers';
import type { Handlers } from './handlers';
import { mediaHandlers } from './mediaHandlers';
import { RateLimiter } from './RateLimiter';

/** What the signaling layer drives. */
export interface SignalingDeps {
  pool: WorkerPool;
  feeds: FeedRegistry;
  event: Omit<EventInfo, 'feeds' | 'studios'>;
  logger: Logger;
}

type TypedSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** Largest socket.io message accepted, in bytes. */
const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * socket.io on the HTTP server: checks the protocol version at connect, then for every request
 * parses the payload with its zod schema, calls the domain and acknowledges with the envelope.
 */
export function attachSignaling(httpServer: HttpServer, deps: SignalingDeps): Server<ClientToServerEvents, ServerToClientEvents> {
  const { pool, feeds, event, logger } = deps;
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    serveClient: false,
  });

  io.use((socket, next) => {
    const auth = HandshakeAuth.safeParse(socket.handshake.auth);
    if (!auth.success || auth.data.protocolVersion !== PROTOCOL_VERSION) {
      const error = new Error('PROTOCOL_MISMATCH') as Error & { data: unknown };
      error.data = { code: 'PROTOCOL_MISMATCH', message: `this page speaks another protocol version; please reload (server: ${PROTOCOL_VERSION})` };
      next(error);
      return;
    }
    next();
  });

  // Coalesce bursts of feed changes into one broadcast.
  let feedsChangedPending = false;
  feeds.on('changed', () => {
    if (feedsChangedPending) return;
    feedsChangedPending = true;
    setImmediate(() => {
      feedsChangedPending = false;
      io.emit('feeds:changed', feeds.list());
    });
  });

  io.on('connection', (socket: TypedSocket) => {
    const log = logger.child({ socket: socket.id });
    const session = new ClientSession(pool, (consumerId) => socket.emit('consumer:closed', { consumerId }));
    const handlers: Handlers = { ...mediaHandlers(session), ...feedHandlers(session, feeds, event) };
    const limiter = new RateLimiter(50, 100);

    for (const name of Object.keys(Requests) as RequestName[]) {
      socket.on(name, (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return; // every request is acknowledged; others are dropped
        const reply = ack as (response: Ack<unknown>) => void;
        if (!limiter.take()) {
          reply({ ok: false, error: { code: 'RATE_LIMITED', message: 'too many requests; slow down' } });
          return;
        }
        const parsed = Requests[name].safeParse(payload);
        if (!parsed.success) {
          reply({ ok: false, error: { code: 'INVALID_REQUEST', message: `${name}: ${z.prettifyError(parsed.error)}` } });
          return;
        }
        const handler = handlers[name] as (request: unknown) => Promise<unknown>;
        handler(parsed.data).then(
          (data) => reply({ ok: true, data }),
          (error: unknown) => {
            if (!(error instanceof AppError)) log.error({ err: error, request: name }, 'request failed');
            reply({ ok: false, error: toWireError(error) });
          },
        );
      });
    }

    socket.on('disconnect', (reason) => {
      log.debug({ reason }, 'client disconnected');
      session.close();
    });
    socket.emit('feeds:changed', feeds.list());
  });

  return io;
}
