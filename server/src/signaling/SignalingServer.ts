import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import {
  HandshakeAuth,
  isProducer,
  PROTOCOL_VERSION,
  Requests,
  type ClientToServerEvents,
  type ClosingReason,
  type Grant,
  type RequestName,
  type ServerToClientEvents,
} from '@hybrid-stage/shared';
import type { InviteScopes } from '../access/inviteGrant';
import type { AppError } from '../errors';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { ClientSession } from './ClientSession';
import type { ClientLink } from './ClientLink';
import { dispatch, type Caller } from './dispatch';
import { feedHandlers } from './feedHandlers';
import { ingestHandlers } from './ingestHandlers';
import { inviteHandlers } from './inviteHandlers';
import { captionHandlers, captionRoom, draftRoom } from './captionHandlers';
import { toWire } from '../captions/CaptionPipeline';
import { mediaHandlers } from './mediaHandlers';
import { programHandlers } from './programHandlers';
import { RateLimiter } from './RateLimiter';
import { EXHIBITION_ROOM, exhibitionHandlers } from './exhibitionHandlers';
import { recordingHandlers } from './recordingHandlers';

/** What the signaling layer drives: the services, and the keeper of the clients' sessions. */
export type SignalingServices = Pick<
  Services,
  'pool' | 'feeds' | 'channels' | 'ingests' | 'captions' | 'exhibition' | 'recordings' | 'reruns' | 'access' | 'event' | 'sessions' | 'webRtcViewers'
>;

/** What the handshake leaves on each socket. */
interface SocketData {
  grant: Grant;
  /** Whether the client connected with an access token (an invite link or a viewer registration). */
  hasToken: boolean;
  /** The resume token the client sent, if it is reconnecting after a drop. */
  resume?: string;
}

/** The socket.io server, typed with the protocol. */
export type SignalingIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
/** One client's connection. */
export type ClientSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** The wired signaling layer. */
export interface Signaling {
  /** Tells every connected client the server is about to stop. */
  announceClosing(reason: ClosingReason): void;
}

/** Room of the sockets that get producer-only broadcasts. */
const PRODUCERS_ROOM = 'producers';

/** Largest socket.io message accepted, in bytes. */
const MAX_MESSAGE_BYTES = 64 * 1024;

/** A handshake refusal the client can read: `connect_error` carries `data.code`. */
function refusal(code: 'PROTOCOL_MISMATCH' | 'UNAUTHORIZED', message: string): Error {
  const error = new Error(code) as Error & { data: unknown };
  error.data = { code, message };
  return error;
}

/**
 * socket.io on the HTTP server, accepting nothing until {@link attachSignaling} wires it. With an
 * `adapter` (the cluster's, on Redis) room and server-wide broadcasts reach every node's sockets;
 * without one they stay in this process, as on a single node.
 */
export function createSignalingIo(httpServer: HttpServer, adapter?: ServerOptions['adapter']): SignalingIo {
  return new Server(httpServer, { maxHttpBufferSize: MAX_MESSAGE_BYTES, serveClient: false, ...(adapter && { adapter }) });
}

/**
 * Wires socket.io to the services: checks the protocol version and the access token at connect,
 * hands each connection to the session keeper (which gives a returning client its session back),
 * sends every request through {@link dispatch}, and broadcasts what changes.
 */
export function attachSignaling(io: SignalingIo, services: SignalingServices, logger: Logger): Signaling {
  const { pool, feeds, channels, ingests, captions, exhibition, recordings, reruns, access, event, sessions, webRtcViewers } = services;

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

  /** A new client's session: its notices go through its link, to whichever connection it has then. */
  const openSession = (grant: Grant) => (link: ClientLink<ClientSocket>) =>
    new ClientSession(pool, grant, {
      consumerClosed: (consumerId) => link.notify((s) => s.emit('consumer:closed', { consumerId })),
      // Lost media makes every earlier notice moot.
      mediaLost: () => link.notifyAlone((s) => s.emit('media:lost', {})),
    });

  io.on('connection', (socket: ClientSocket) => {
    const log = logger.child({ socket: socket.id });
    const { grant, hasToken } = socket.data;
    // A client back from a drop within the grace period gets its session (and media) back.
    const { link, resumed } = sessions.connect(socket, { grant, withToken: hasToken, resume: socket.data.resume }, openSession(grant));
    if (resumed) log.debug('client resumed its session');
    const { session } = link;
    const rooms = {
      join: (room: string) => void socket.join(room),
      leave: (room: string) => void socket.leave(room),
      has: (room: string) => socket.rooms.has(room),
      get size() {
        return socket.rooms.size;
      },
    };
    const caller: Caller = {
      grant,
      hasToken,
      viewers: event.viewers,
      handlers: {
        ...mediaHandlers(session),
        ...feedHandlers(session, feeds, channels, event),
        ...programHandlers(session, channels, webRtcViewers),
        ...ingestHandlers(session, ingests),
        ...inviteHandlers(grant, inviteScopes, access),
        ...recordingHandlers(recordings, reruns),
        ...captionHandlers(session, captions, rooms),
        ...exhibitionHandlers(socket.id, exhibition, rooms),
      },
      limiter: new RateLimiter(50, 100),
      logger: log,
    };
    for (const name of Object.keys(Requests) as RequestName[]) {
      socket.on(name, (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return; // every request is acknowledged; others are dropped
        void dispatch(caller, name, payload).then(ack as (response: unknown) => void);
      });
    }

    socket.on('disconnect', (reason) => {
      log.debug({ reason }, 'client disconnected');
      exhibition.presence.leave(socket.id);
      // A client that closed its connection itself is gone; any other drop may be a network blip.
      sessions.disconnected(link, socket, reason === 'client namespace disconnect');
    });
    if (isProducer(grant)) void socket.join(PRODUCERS_ROOM);
    socket.emit('session:grant', grant);
    socket.emit('session:resumable', { token: link.token, resumed });
    link.deliverMissed();
    socket.emit('feeds:changed', feeds.list());
  });

  // What changes for everyone goes through the adapter (`io.emit`, `io.to(room).emit`): in a cluster
  // it reaches the sockets on every node, so payloads are plain data (the adapter serialises them
  // with msgpack between nodes). What concerns one socket (its session, grant, media notices) and
  // what only this node knows (its closing, its visitors' presence) stays local.
  channels.on('changed', (channel) => io.emit('channel:changed', channel));
  captions.on('cue', (cue) => io.to(captionRoom(cue.channelId, cue.language)).emit('captions:cue', toWire(cue)));
  captions.on('draft', (cue) => io.to(draftRoom(cue.channelId, cue.language)).emit('captions:draft', toWire(cue)));
  channels.on('alert', (alert) => io.to(PRODUCERS_ROOM).emit('program:alert', alert));
  // Counts of this node's visitors only: sent across nodes they would overwrite each other's. A
  // cluster-wide count needs the counts kept in Redis (not yet done).
  exhibition.presence.on('counts', (counts) => io.local.to(EXHIBITION_ROOM).emit('exhibition:presence', counts));
  channels.on('health', (health) => io.to(PRODUCERS_ROOM).emit('feeds:health', health));
  // The list is read from the database; one that cannot be read now is sent with the next change.
  recordings.on('changed', () => void recordings.list().then((list) => io.to(PRODUCERS_ROOM).emit('recordings:changed', list), () => undefined));
  reruns.on('changed', () => io.emit('reruns:changed', reruns.list()));

  // Only this node's clients: the others' node keeps running.
  return { announceClosing: (reason) => void io.local.emit('server:closing', { reason }) };
}
