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
  type Language,
  type RequestName,
  type ServerToClientEvents,
} from '@hybrid-stage/shared';
import type { InviteScopes } from '../access/inviteGrant';
import { tokenKey } from '../access/AccessTokens';
import { mintedBefore, type TokenIdentity } from '../access/RevocationList';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { ClientSession } from './ClientSession';
import type { ClientLink } from './ClientLink';
import { dispatch, type Caller } from './dispatch';
import type { Handlers } from './handlers';
import { feedHandlers } from './feedHandlers';
import { ingestHandlers } from './ingestHandlers';
import { inviteHandlers, type RevocationEffects } from './inviteHandlers';
import { captionHandlers, captionRoom, draftRoom } from './captionHandlers';
import { toWire } from '../captions/CaptionPipeline';
import { mediaHandlers } from './mediaHandlers';
import { programHandlers } from './programHandlers';
import { RateLimiter } from '../limits/RateLimiter';
import { EXHIBITION_ROOM, exhibitionHandlers } from './exhibitionHandlers';
import { recordingHandlers } from './recordingHandlers';
import type { NodeEvents } from '../cluster/NodeRequests';
import { AppError } from '../errors';

/** What the signaling layer drives: the services, and the keeper of the clients' sessions. */
export type SignalingServices = Pick<
  Services,
  'pool' | 'feeds' | 'channels' | 'ingests' | 'captions' | 'exhibition' | 'visitors' | 'clientAddress' | 'addressLoad' | 'recordings' | 'reruns' | 'access' | 'revocations' | 'event' | 'sessions' | 'turn' | 'eventInfo' | 'edge' | 'webRtcViewers'
>;

/**
 * What an edge refuses (ORIGIN_ONLY): it serves viewers, and everything that makes the program,
 * the captions or the recordings lives on the origin. Requests a viewer's page makes (the event,
 * media, the program, captions to read, the exhibition) and invites (signed with the cluster's
 * shared key) are served everywhere.
 */
export const ORIGIN_ONLY_REQUESTS = [
  'feed:open', 'feed:produce', 'feed:close', 'feed:consume',
  'ingest:create', 'ingest:list', 'ingest:close',
  'captions:drafts', 'captions:commit', 'captions:correct', 'captions:accept', 'captions:ingest',
  'program:preview', 'program:take', 'program:backup',
  'recording:start', 'recording:stop', 'recording:list', 'recording:delete',
  'rerun:create', 'rerun:update', 'rerun:delete',
] as const satisfies readonly RequestName[];

/** What the handshake leaves on each socket. */
interface SocketData {
  grant: Grant;
  /** Whether the client connected with an access token (an invite link or a viewer registration). */
  hasToken: boolean;
  /** The resume token the client sent, if it is reconnecting after a drop. */
  resume?: string;
  /** Its access token's id and mint time, for ending the connection when the link is revoked. */
  token?: TokenIdentity;
  /** Its access token's tokenKey, for allowances per token (a provider's caption cues). */
  tokenKey?: string;
  /** The client's address (behind TRUST_PROXY's proxies), whose sockets and consumers are counted. */
  address: string;
}

/** The socket.io server, typed with the protocol. */
export type SignalingIo = Server<ClientToServerEvents, ServerToClientEvents, NodeEvents, SocketData>;
/** One client's connection. */
export type ClientSocket = Socket<ClientToServerEvents, ServerToClientEvents, NodeEvents, SocketData>;

/** What signaling needs of the cluster, known once the node is registered. */
export interface SignalingClusterOptions {
  /** Whether this node is over its load threshold: an edge then refuses new viewers (NODE_FULL). */
  full: () => boolean;
  /** The live nodes' URLs, whose pages may connect here (read cached); undefined on a single node (no check, as always). */
  clusterOrigins?: (() => Promise<string[]>) | undefined;
  /** A receive transport whose browser sent nothing for this long is closed (MediaClient); 0 never. */
  silentPeerMs?: number;
}

/** The wired signaling layer. */
export interface Signaling {
  /** Tells every connected client the server is about to stop. */
  announceClosing(reason: ClosingReason): void;
}

/** An edge's answer to what only the origin does. */
function originOnly(): Partial<Handlers> {
  const refuse = async () => {
    throw new AppError('ORIGIN_ONLY', 'this node is an edge and serves viewers: studios, the console, desks, ingests, recordings and re-runs connect to the origin');
  };
  return Object.fromEntries(ORIGIN_ONLY_REQUESTS.map((name) => [name, refuse]));
}

/** Room of the sockets that get producer-only broadcasts. */
const PRODUCERS_ROOM = 'producers';

/** Room of the sockets connected with one link (its token id), and of those with a link of one role. */
const linkRoom = (jti: string) => `link:${jti}`;
const roleRoom = (role: string) => `role:${role}`;

/** Largest socket.io message accepted, in bytes. */
const MAX_MESSAGE_BYTES = 64 * 1024;

/** A handshake refusal the client can read: `connect_error` carries `data.code`. */
function refusal(code: 'PROTOCOL_MISMATCH' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'RATE_LIMITED', message: string): Error {
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
export function attachSignaling(io: SignalingIo, services: SignalingServices, logger: Logger, cluster: SignalingClusterOptions = { full: () => false }): Signaling {
  const { pool, feeds, channels, ingests, captions, exhibition, visitors, clientAddress, addressLoad, recordings, reruns, access, revocations, event, sessions, turn, eventInfo, edge, webRtcViewers } = services;
  const { silentPeerMs = 0 } = cluster;

  // In a cluster a page served by one node may connect to another (placement): pages of the
  // cluster's own nodes may, nothing wider. Clients that send no Origin (not browsers) are not pages.
  const { clusterOrigins } = cluster;
  if (clusterOrigins) {
    io.use((socket, next) => {
      const from = socket.handshake.headers.origin;
      if (!from || new URL(from, 'http://invalid').host === socket.handshake.headers.host) return next();
      // The node list is the directory's cached read (placement's): no Redis read per handshake.
      void clusterOrigins().then(
        (urls) => (urls.some((url) => new URL(url).origin === from) ? next() : next(refusal('FORBIDDEN', 'pages of other sites may not connect to this event'))),
        () => next(refusal('FORBIDDEN', 'pages of other sites may not connect to this event')),
      );
    });
  }

  io.use((socket, next) => {
    const auth = HandshakeAuth.safeParse(socket.handshake.auth);
    if (!auth.success || auth.data.protocolVersion !== PROTOCOL_VERSION) {
      next(refusal('PROTOCOL_MISMATCH', `this page speaks another protocol version; please reload (server: ${PROTOCOL_VERSION})`));
      return;
    }
    socket.data.hasToken = !!auth.data.token;
    if (auth.data.token) socket.data.tokenKey = tokenKey(auth.data.token);
    socket.data.resume = auth.data.resume;
    // Counted last, once nothing else refuses it; given back on disconnect.
    const admit = () => {
      const address = clientAddress(socket.request);
      if (!addressLoad.openSocket(address)) {
        next(refusal('RATE_LIMITED', 'too many connections from this address; close some pages and reload'));
        return;
      }
      socket.data.address = address;
      next();
    };
    if (!auth.data.token) {
      socket.data.grant = { role: 'viewer' };
      admit();
      return;
    }
    access.verifyIdentity(auth.data.token).then(
      ({ grant, identity }) => {
        socket.data.grant = grant;
        socket.data.token = identity;
        admit();
      },
      (error: AppError) => next(refusal('UNAUTHORIZED', error.message)),
    );
  });

  // Coalesce bursts of feed changes into one broadcast (the origin's: an edge has no feeds of its own).
  let feedsChangedPending = false;
  if (!edge) feeds.on('changed', () => {
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

  // A revoked link's connections end (on every node: the rooms go through the adapter); the page
  // reconnects, and its handshake is refused. A role's: only the connections made with links minted
  // before the revocation, not those of links made since.
  const revocationEffects: RevocationEffects = {
    linkRevoked: (link) => io.in(linkRoom(link.id)).disconnectSockets(true),
    roleRevoked: ({ role, issuedBefore }) =>
      void io
        .in(roleRoom(role))
        .fetchSockets()
        .then(
          (sockets) => {
            for (const s of sockets) if (mintedBefore(s.data.token?.issuedAtMs ?? 0, Date.parse(issuedBefore))) s.disconnect(true);
          },
          (err: unknown) => logger.warn({ err }, 'cannot end the connections of revoked links'),
        ),
  };

  /** Desks open for a channel's language: connections in its draft room (every desk asks its drafts), on every node. */
  const desksAt = (channelId: string, language: Language) => io.in(draftRoom(channelId, language)).fetchSockets().then((sockets) => sockets.length);

  /** A new client's session: its notices go through its link, to whichever connection it has then. */
  const openSession = (grant: Grant, address: string) => (link: ClientLink<ClientSocket>) =>
    new ClientSession(
      pool,
      grant,
      {
        consumerClosed: (consumerId) => link.notify((s) => s.emit('consumer:closed', { consumerId })),
        // Lost media makes every earlier notice moot.
        mediaLost: (moved) => {
          if (moved) logger.warn({ signalingAddress: moved.from, mediaAddress: moved.to }, "a client's media path moved to another host: its media closed");
          link.notifyAlone((s) => s.emit('media:lost', {}));
        },
      },
      {
        // Counted against the address it was opened from, also when it resumes from another.
        budget: addressLoad.consumerBudget(address),
        silentPeerMs,
        turn,
        // Where its connection comes from now (a client that changed networks resumes from the new one).
        peerAddress: () => link.socket?.data.address ?? address,
      },
    );

  io.on('connection', (socket: ClientSocket) => {
    const log = logger.child({ socket: socket.id });
    const { grant, hasToken } = socket.data;
    // A client back from a drop within the grace period gets its session (and media) back.
    const { link, resumed } = sessions.connect(socket, { grant, withToken: hasToken, resume: socket.data.resume }, openSession(grant, socket.data.address));
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
        ...feedHandlers(session, feeds, channels, eventInfo),
        ...programHandlers(session, channels, webRtcViewers, edge && { programs: edge.programs, full: cluster.full }),
        ...ingestHandlers(session, ingests),
        ...inviteHandlers(grant, inviteScopes, access, revocations, revocationEffects),
        ...recordingHandlers(recordings, reruns),
        // Without a token (a viewer) it may not send cues: its connection names the allowance all the same.
        ...captionHandlers(session, captions, rooms, socket.data.tokenKey ?? socket.id, desksAt),
        ...exhibitionHandlers(socket.id, socket.data.address, exhibition, visitors, rooms),
        ...(edge && originOnly()),
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
      addressLoad.closeSocket(socket.data.address);
      exhibition.presence.leave(socket.id);
      // A client that closed its connection itself is gone; any other drop may be a network blip.
      sessions.disconnected(link, socket, reason === 'client namespace disconnect');
    });
    if (isProducer(grant)) void socket.join(PRODUCERS_ROOM);
    if (socket.data.token) {
      if (socket.data.token.jti) void socket.join(linkRoom(socket.data.token.jti));
      void socket.join(roleRoom(grant.role));
    }
    socket.emit('session:grant', grant);
    socket.emit('session:resumable', { token: link.token, resumed });
    link.deliverMissed();
    if (!edge) socket.emit('feeds:changed', feeds.list());
  });

  // What changes for everyone goes through the adapter (`io.emit`, `io.to(room).emit`): in a cluster
  // it reaches the sockets on every node, so payloads are plain data (the adapter serialises them
  // with msgpack between nodes). What concerns one socket (its session, grant, media notices) and
  // what only this node knows (its closing, its visitors' presence) stays local.
  // An edge's own channels, feeds, recordings and re-runs are idle (the origin's are the event's):
  // it broadcasts none of them, or it would overwrite the origin's on every node's consoles and pages.
  if (!edge) {
    channels.on('changed', (channel) => io.emit('channel:changed', channel));
    channels.on('alert', (alert) => io.to(PRODUCERS_ROOM).emit('program:alert', alert));
    channels.on('health', (health) => io.to(PRODUCERS_ROOM).emit('feeds:health', health));
    // The list is read from the database; one that cannot be read now is sent with the next change.
    recordings.on('changed', () => void recordings.list().then((list) => io.to(PRODUCERS_ROOM).emit('recordings:changed', list), () => undefined));
    reruns.on('changed', () => io.emit('reruns:changed', reruns.list()));
  }
  captions.on('cue', (cue) => io.to(captionRoom(cue.channelId, cue.language)).emit('captions:cue', toWire(cue)));
  captions.on('draft', (cue) => io.to(draftRoom(cue.channelId, cue.language)).emit('captions:draft', toWire(cue)));
  // Counts of this node's visitors only: sent across nodes they would overwrite each other's. A
  // cluster-wide count needs the counts kept in Redis (not yet done).
  exhibition.presence.on('counts', (counts) => io.local.to(EXHIBITION_ROOM).emit('exhibition:presence', counts));

  // Only this node's clients: the others' node keeps running.
  return { announceClosing: (reason) => void io.local.emit('server:closing', { reason }) };
}
