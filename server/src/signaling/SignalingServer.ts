import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import {
  HandshakeAuth,
  PROTOCOL_VERSION,
  Requests,
  type Ack,
  type ClientToServerEvents,
  type ClosingReason,
  type Grant,
  type RequestName,
  type ServerToClientEvents,
} from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import type { InviteScopes } from '../access/inviteGrant';
import { assertMayRequest, assertRegisteredIfAsked, isProducer } from '../access/permissions';
import { AppError, toWireError } from '../errors';
import type { Logger } from '../logger';
import type { WorkerPool } from '../media/WorkerPool';
import type { ChannelRegistry } from '../program/ChannelRegistry';
import type { FeedRegistry } from '../studios/FeedRegistry';
import { ClientSession } from './ClientSession';
import { ClientSessionKeeper } from './ClientSessionKeeper';
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
  /** How long a dropped client's session waits for it to resume (CLIENT_GRACE_MS). */
  clientGraceMs: number;
  logger: Logger;
}

/** What the handshake leaves on each socket. */
interface SocketData {
  grant: Grant;
  /** Whether the client connected with an access token (an invite link or a viewer registration). */
  hasToken: boolean;
  /** The resume token the client sent, if it is reconnecting after a drop. */
  resume?: string;
}

type TypedSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Which socket a session talks to now, and what it missed while its client was away. */
interface SessionLink {
  socket: TypedSocket | undefined;
  /** The resume token the client holds now (a new one after each resume). */
  token: string;
  readonly missed: ((socket: TypedSocket) => void)[];
}

/** At most this many notifications wait for a client that is away (a media:lost makes the rest moot). */
const MAX_MISSED = 64;

/** The socket.io server with the client sessions behind it. */
export interface Signaling {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents>;
  /** Every client's session, kept across short drops of its connection. */
  readonly sessions: ClientSessionKeeper;
  /** Tells every connected client the server is about to stop. */
  announceClosing(reason: ClosingReason): void;
  /** Closes every client's session (transports, producers, consumers, feeds). Safe to call twice. */
  closeSessions(): void;
  /** Closes the sessions, disconnects every client and stops accepting new ones. */
  close(): Promise<void>;
}

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
export function attachSignaling(httpServer: HttpServer, deps: SignalingDeps): Signaling {
  const { pool, feeds, channels, ingests, captions, exhibition, recordings, reruns, access, event, logger } = deps;
  const sessions = new ClientSessionKeeper(deps.clientGraceMs);
  const links = new WeakMap<ClientSession, SessionLink>();
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
    socket.data.resume = auth.data.resume;
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

  const inviteScopes: InviteScopes = {
    studioIds: feeds.studios.map((s) => s.id),
    channelIds: channels.list().map((c) => c.id),
    hasStand: (standId) => exhibition.stands.has(standId),
  };

  io.on('connection', (socket: TypedSocket) => {
    const log = logger.child({ socket: socket.id });
    const { grant, hasToken } = socket.data;
    // A client back from a drop within the grace period gets its session (and media) back.
    const resumed = socket.data.resume === undefined ? undefined : sessions.resume(socket.data.resume, grant, hasToken);
    let session: ClientSession;
    let link: SessionLink;
    if (resumed && links.has(resumed.session)) {
      session = resumed.session;
      link = links.get(session)!;
      link.token = resumed.token;
      // The old connection may not have noticed the drop yet: this one takes over.
      const previous = link.socket;
      link.socket = socket;
      if (previous?.connected) previous.disconnect(true);
      log.debug('client resumed its session');
    } else {
      const notify = (send: (s: TypedSocket) => void) => {
        if (link.socket?.connected) send(link.socket);
        else if (link.missed.length < MAX_MISSED) link.missed.push(send);
      };
      session = new ClientSession(pool, grant, {
        consumerClosed: (consumerId) => notify((s) => s.emit('consumer:closed', { consumerId })),
        mediaLost: () => {
          // Lost media makes every earlier notice moot: it alone must reach a client that comes back.
          if (!link.socket?.connected) link.missed.length = 0;
          notify((s) => s.emit('media:lost', {}));
        },
      });
      link = { socket, token: sessions.add(session, hasToken), missed: [] };
      links.set(session, link);
    }
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
      ...inviteHandlers(grant, inviteScopes, access),
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
      exhibition.presence.leave(socket.id);
      if (link.socket !== socket) return; // a newer connection took the session over
      link.socket = undefined;
      // A client that closed its connection itself is gone; any other drop may be a network blip.
      if (reason === 'client namespace disconnect') sessions.release(session);
      else sessions.hold(session);
    });
    if (isProducer(grant)) void socket.join(PRODUCERS_ROOM);
    socket.emit('session:grant', grant);
    socket.emit('session:resumable', { token: link.token, resumed: session === resumed?.session });
    for (const send of link.missed.splice(0)) send(socket);
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

  return {
    io,
    sessions,
    announceClosing: (reason) => void io.emit('server:closing', { reason }),
    closeSessions: () => sessions.close(),
    close: async () => {
      sessions.close();
      await io.close();
    },
  };
}
