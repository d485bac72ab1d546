import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import {
  HandshakeAuth,
  PROTOCOL_VERSION,
  Requests,
  type Ack,
  type ClientToServerEvents,
  type Grant,
  type RequestName,
  type ServerToClientEvents,
} from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import { assertMayRequest, assertRegisteredIfAsked, isProducer } from '../access/permissions';
import { AppError, toWireError } from '../errors';
import type { Logger } from '../logger';
import type { WorkerPool } from '../media/WorkerPool';
import type { ChannelRegistry } from '../program/ChannelRegistry';
import type { FeedRegistry } from '../studios/FeedRegistry';
import { ClientSession } from './ClientSession';
import { feedHandlers, type EventSummary } from './feedHandlers';
import { ingestHandlers } from './ingestHandlers';
import { inviteHandlers } from './inviteHandlers';
import { captionHandlers, captionRoom, draftRoom } from './captionHandlers';
import { toWire, type CaptionPipeline } from '../captions/CaptionPipeline';
import type { IngestRegistry } from '../ingest/IngestRegistry';
import type { Handlers } from './handlers';
import { mediaHandlers } from './mediaHandlers';
import { programHandlers } from './programHandlers';
import { RateLimiter } from './RateLimiter';
import type { Exhibition } from '../exhibition/Exhibition';
import { EXHIBITION_ROOM, exhibitionHandlers } from './exhibitionHandlers';
import type { RecordingRegistry } from '../recording/RecordingRegistry';
import type { ReRunScheduler } from '../reruns/ReRunScheduler';
import { recordingHandlers } from './recordingHandlers';

/** What the signaling layer drives. */
export interface SignalingDeps {
  pool: WorkerPool;
  feeds: FeedRegistry;
  channels: ChannelRegistry;
  ingests: IngestRegistry;
  captions: CaptionPipeline;
  exhibition: Exhibition;
  recordings: RecordingRegistry;
  reruns: ReRunScheduler;
  access: AccessTokens;
  event: EventSummary;
  logger: Logger;
}

/** What the handshake leaves on each socket. */
interface SocketData {
  grant: Grant;
  /** Whether the client connected with an access token (an invite link or a viewer registration). */
  hasToken: boolean;
}

type TypedSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Room of the sockets that get producer-only broadcasts. */
const PRODUCERS_ROOM = 'producers';

/** A handshake refusal the client can read: `connect_error` carries `data.code`. */
function refusal(code: 'PROTOCOL_MISMATCH' | 'UNAUTHORIZED', message: string): Error {
  const error = new Error(code) as Error & { data: unknown };
  error.data = { code, message };
  return error;
}

/** Largest socket.io message accepted, in bytes. */
const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * socket.io on the HTTP server: checks the protocol version at connect, then for every request
 * parses the payload with its zod schema, calls the domain and acknowledges with the envelope.
 */
export function attachSignaling(httpServer: HttpServer, deps: SignalingDeps): Server<ClientToServerEvents, ServerToClientEvents> {
  const { pool, feeds, channels, ingests, captions, exhibition, recordings, reruns, access, event, logger } = deps;
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    serveClient: false,
  });

  io.use((socket, next) => {
    const auth = HandshakeAuth.safeParse(socket.handshake.auth);
    if (!auth.success || auth.data.protocolVersion !== PROTOCOL_VERSION) {
      next(refusal('PROTOCOL_MISMATCH', `this page speaks another protocol version; please reload (server: ${PROTOCOL_VERSION})`));
      return;
    }
    socket.data.hasToken = !!auth.data.token;
    if (!auth.data.token) {
      socket.data.grant = { role: 'viewer' };
      next();
      return;
    }
    access.verify(auth.data.token).then(
      (grant) => {
        socket.data.grant = grant;
        next();
      },
      (error: AppError) => next(refusal('UNAUTHORIZED', error.message)),
    );
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
    const { grant, hasToken } = socket.data;
    const session = new ClientSession(pool, grant, {
      consumerClosed: (consumerId) => socket.emit('consumer:closed', { consumerId }),
      mediaLost: () => socket.emit('media:lost', {}),
    });
    const rooms = {
      join: (room: string) => void socket.join(room),
      leave: (room: string) => void socket.leave(room),
      has: (room: string) => socket.rooms.has(room),
      get size() {
        return socket.rooms.size;
      },
    };
    const handlers: Handlers = {
      ...mediaHandlers(session),
      ...feedHandlers(session, feeds, channels, event),
      ...programHandlers(session, channels),
      ...ingestHandlers(session, ingests),
      ...inviteHandlers(grant, { feeds, channelIds: new Set(channels.list().map((c) => c.id)), stands: exhibition.stands }, access),
      ...recordingHandlers(recordings, reruns),
      ...captionHandlers(session, captions, rooms),
      ...exhibitionHandlers(socket.id, exhibition, rooms),
    };
    const limiter = new RateLimiter(50, 100);

    for (const name of Object.keys(Requests) as RequestName[]) {
      socket.on(name, (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return; // every request is acknowledged; others are dropped
        const reply = ack as (response: Ack<unknown>) => void;
        if (!limiter.take()) {
          reply({ ok: false, error: { code: 'RATE_LIMITED', message: 'too many requests; slow down' } });
          return;
        }
        try {
          assertRegisteredIfAsked(event.viewers, hasToken, name);
          assertMayRequest(grant, name);
        } catch (error) {
          reply({ ok: false, error: toWireError(error) });
          return;
        }
        let parsed;
        try {
          parsed = Requests[name].safeParse(payload);
        } catch {
          // A payload that makes a check itself fail is refused like any bad one, never thrown out of the listener.
          parsed = { success: false as const, error: new z.ZodError([{ code: 'custom', message: 'payload cannot be checked', path: [] }]) };
        }
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
      exhibition.presence.leave(socket.id);
    });
    if (isProducer(grant)) void socket.join(PRODUCERS_ROOM);
    socket.emit('session:grant', grant);
    socket.emit('feeds:changed', feeds.list());
  });

  channels.on('changed', (channel) => io.emit('channel:changed', channel));
  captions.on('cue', (cue) => io.to(captionRoom(cue.channelId, cue.language)).emit('captions:cue', toWire(cue)));
  captions.on('draft', (cue) => io.to(draftRoom(cue.channelId, cue.language)).emit('captions:draft', toWire(cue)));
  channels.on('alert', (alert) => io.to(PRODUCERS_ROOM).emit('program:alert', alert));
  exhibition.presence.on('counts', (counts) => io.to(EXHIBITION_ROOM).emit('exhibition:presence', counts));
  channels.on('health', (health) => io.to(PRODUCERS_ROOM).emit('feeds:health', health));
  recordings.on('changed', () => io.to(PRODUCERS_ROOM).emit('recordings:changed', recordings.list()));
  reruns.on('changed', () => io.emit('reruns:changed', reruns.list()));

  return io;
}
