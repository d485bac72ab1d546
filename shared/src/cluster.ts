/** The nodes of a cluster as its registry in Redis holds them (`GET /api/cluster`). */
import { z } from 'zod';

/** What a node does: an origin runs studios, ingests, buses and captions; an edge serves viewers. */
export const NODE_ROLES = ['origin', 'edge'] as const;
export const NodeRole = z.enum(NODE_ROLES);
export type NodeRole = z.infer<typeof NodeRole>;

/** A node id or region name: short, printable, safe in a Redis key and a log line. */
export const NodeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected 1-64 letters, digits, ".", "_" or "-"');

/** How busy a node is, as it measured itself at its last heartbeat. */
export const NodeLoad = z.strictObject({
  /** Mean CPU of its mediasoup workers over the last interval, 0..1 (one core per worker). */
  cpu: z.number().min(0).max(64),
  /** mediasoup workers running. */
  workers: z.number().int().min(0),
  /** Media clients (viewers, studios, desks with media) placed on its workers. */
  viewers: z.number().int().min(0),
  /** Consumers on its routers (about two per viewer). */
  consumers: z.number().int().min(0),
  /** Connected socket.io clients. */
  sockets: z.number().int().min(0),
});
export type NodeLoad = z.infer<typeof NodeLoad>;

/** One live node, as written by itself every couple of seconds. */
export const ClusterNode = z.strictObject({
  id: NodeName,
  role: NodeRole,
  region: NodeName,
  /** Address announced to browsers in ICE candidates. */
  announcedIp: z.string().min(1).max(64),
  /** Where browsers and other nodes reach its HTTP server and socket.io. */
  url: z.url({ protocol: /^https?$/ }).max(2048),
  /** ISO times: when it started, when it last wrote this record. */
  startedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  load: NodeLoad,
});
export type ClusterNode = z.infer<typeof ClusterNode>;

/** `GET /api/cluster`: whether the node runs on Redis, and the live nodes (this one alone when not). */
export interface ClusterInfo {
  redis: boolean;
  /** The node that answered. */
  self: string;
  nodes: ClusterNode[];
}
