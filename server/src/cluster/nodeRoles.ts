/**
 * What a node does for the others, by its role (NODE_ROLE). The origin answers edges' requests:
 * a channel's program piped to them ({@link OriginRelays}) and the event's live state. An edge
 * acknowledges those requests with nothing (every node acknowledges every request, see
 * NodeRequests) and follows the origin's notices about its pipes ({@link EdgePrograms}).
 */
import type { EventInfo } from '@hybrid-stage/shared';
import { AppError, toWireError } from '../errors';
import type { Logger } from '../logger';
import type { ChannelRegistry } from '../program/ChannelRegistry';
import { EdgePrograms } from './EdgePrograms';
import { OriginUp, RelayKey, askOrigin, type NodeEvents, type ServerSideEmitter } from './NodeRequests';
import { OriginRelays, RelayRequest, type PipeListen, type RelayAnswer } from './ProgramRelay';
import type { WorkerPool } from '../media/WorkerPool';

/** How often the origin looks for edges that left the registry without releasing their pipes (killed). */
const FORGET_EDGES_MS = 5000;

/** The socket.io server as the roles use it: server-side events in, server-side emits out. */
export interface NodeIo extends ServerSideEmitter {
  on<E extends keyof NodeEvents>(event: E, listener: NodeEvents[E]): unknown;
  off<E extends keyof NodeEvents>(event: E, listener: NodeEvents[E]): unknown;
  serverSideEmit(event: string, ...args: unknown[]): unknown;
}

export interface OriginRoleOptions {
  io: NodeIo;
  /** This node's id, announced to the edges when it starts serving them. */
  nodeId: string;
  channels: ChannelRegistry;
  /** The event as clients see it. */
  eventInfo: () => Promise<EventInfo>;
  listen: PipeListen;
  /** Ids of the live nodes (the registry), to close the pipes of edges that died. */
  liveNodes: () => Promise<string[]>;
  logger: Logger;
}

/** Serves edges from the origin; returns the closer (idempotent). */
export function serveAsOrigin({ io, nodeId, channels, eventInfo, listen, liveNodes, logger }: OriginRoleOptions): () => void {
  const relays = new OriginRelays(
    (channelId) => {
      const bus = channels.bus(channelId);
      if (bus.closed) throw new AppError('INVALID_STATE', 'the channel is restarting on a new media worker: try again in a moment');
      return { router: bus.router, producers: bus.producers };
    },
    listen,
    // The bus was rebuilt (or its worker died): the edge closes its half and asks again.
    (edgeNodeId, channelId) => void io.serverSideEmit('relay:lost', { edgeNodeId, channelId }),
  );
  const onOpen: NodeEvents['relay:open'] = (payload, ack) => {
    const request = RelayRequest.safeParse(payload);
    if (!request.success) return ack({ ok: false, error: { code: 'INVALID_REQUEST', message: 'relay:open: not a relay request' } });
    relays.answer(request.data).then(
      (data) => ack({ ok: true, data }),
      (error: unknown) => {
        if (!(error instanceof AppError)) logger.error({ err: error, channel: request.data.channelId, edge: request.data.edgeNodeId }, 'cannot pipe a program to an edge');
        ack({ ok: false, error: toWireError(error) });
      },
    );
  };
  const onRelease: NodeEvents['relay:release'] = (payload) => {
    const key = RelayKey.safeParse(payload);
    if (key.success) relays.release(key.data.edgeNodeId, key.data.channelId);
  };
  const onEvent: NodeEvents['event:get'] = (_payload, ack) =>
    void eventInfo().then(
      (data) => ack({ ok: true, data }),
      (error: unknown) => ack({ ok: false, error: toWireError(error) }),
    );
  io.on('relay:open', onOpen);
  io.on('relay:release', onRelease);
  io.on('event:get', onEvent);
  // Edges running before this origin (a standby that took over) hold pipes from the one before: they ask again.
  io.serverSideEmit('origin:up', { nodeId });
  // An edge killed never releases its pipes: once its registry record expires, they are closed here.
  const sweep = setInterval(() => {
    const holding = relays.edges();
    if (holding.size === 0) return;
    liveNodes().then(
      (live) => {
        for (const edge of holding) if (!live.includes(edge)) {
          logger.info({ edge }, 'an edge left the cluster: closing its pipes');
          relays.forgetEdge(edge);
        }
      },
      () => undefined, // Redis away: try at the next sweep
    );
  }, FORGET_EDGES_MS);
  sweep.unref();
  let closed = false;
  return () => {
    if (closed) return;
    closed = true;
    clearInterval(sweep);
    io.off('relay:open', onOpen);
    io.off('relay:release', onRelease);
    io.off('event:get', onEvent);
    relays.close();
  };
}

export interface EdgeRoleOptions {
  io: NodeIo;
  pool: WorkerPool;
  nodeId: string;
  listen: PipeListen;
  graceMs: number;
  logger: Logger;
}

/** An edge: its programs piped from the origin, and the event asked of it. */
export interface EdgeRole {
  readonly programs: EdgePrograms;
  eventInfo(): Promise<EventInfo>;
  close(): void;
}

/** Serves viewers on an edge from the origin's programs. */
export function serveAsEdge({ io, pool, nodeId, listen, graceMs, logger }: EdgeRoleOptions): EdgeRole {
  const programs = new EdgePrograms({
    pool,
    listen,
    nodeId,
    ask: (request) => askOrigin<RelayAnswer>(io, 'relay:open', request),
    release: (channelId) => void io.serverSideEmit('relay:release', { edgeNodeId: nodeId, channelId }),
    graceMs,
    logger,
  });
  // Requests meant for the origin: acknowledged with nothing, so the asking node need not wait for us.
  const onOpen: NodeEvents['relay:open'] = (_payload, ack) => ack(null);
  const onEvent: NodeEvents['event:get'] = (_payload, ack) => ack(null);
  const onLost: NodeEvents['relay:lost'] = (payload) => {
    const key = RelayKey.safeParse(payload);
    if (key.success && key.data.edgeNodeId === nodeId) programs.lost(key.data.channelId);
  };
  const onOriginUp: NodeEvents['origin:up'] = (payload) => {
    const up = OriginUp.safeParse(payload);
    if (!up.success) return;
    logger.info({ origin: up.data.nodeId }, 'a new origin is serving: piping its programs from it');
    programs.originChanged();
  };
  io.on('relay:open', onOpen);
  io.on('event:get', onEvent);
  io.on('relay:lost', onLost);
  io.on('origin:up', onOriginUp);
  // Viewers joining together ask once.
  let asking: Promise<EventInfo> | undefined;
  let closed = false;
  return {
    programs,
    eventInfo: () => {
      asking ??= askOrigin<EventInfo>(io, 'event:get', {}).finally(() => (asking = undefined));
      return asking;
    },
    close: () => {
      if (closed) return;
      closed = true;
      io.off('relay:open', onOpen);
      io.off('event:get', onEvent);
      io.off('relay:lost', onLost);
      io.off('origin:up', onOriginUp);
      programs.close();
    },
  };
}
