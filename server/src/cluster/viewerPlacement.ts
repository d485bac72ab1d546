/**
 * Where a viewer watches from, chosen among the cluster's live nodes: the edges (the origin only
 * when the cluster has no edge, or on a single node), nearest region first, then any node under the
 * load threshold, then the one with the fewest viewers. Nodes the viewer reports as failed (its
 * page lost them, or they refused it as full) are left out, so it need not wait for their registry
 * record to expire. Pure logic: the registry's records in, one node (or none) out.
 */
import type { ClusterNode } from '@hybrid-stage/shared';

/** The share of a node's media CPU above which it takes no new viewers (LiveKit and edumeet use 0.7-0.9). */
export const DEFAULT_CPU_THRESHOLD = 0.8;

export interface PlacementAsk {
  /** The viewer's region (declared by its page), or the asked node's. */
  region: string;
  /** Node ids the viewer failed to watch from. */
  failed: readonly string[];
  /** CPU share (0..1) above which a node is full. */
  threshold: number;
}

/** Whether a node takes no new viewers: its workers' CPU is over the threshold. */
export const isFull = (node: Pick<ClusterNode, 'load'>, threshold: number): boolean => node.load.cpu > threshold;

/**
 * The node to watch from, or undefined when every candidate is full (or failed). Candidates are
 * the live edges; without any (a cluster of one origin, or one node), the origins serve viewers.
 */
export function chooseNode(nodes: readonly ClusterNode[], { region, failed, threshold }: PlacementAsk): ClusterNode | undefined {
  const live = nodes.filter((n) => !failed.includes(n.id));
  const edges = live.filter((n) => n.role === 'edge');
  // With a live edge in the cluster, viewers go to edges, even when all are full (then none is
  // chosen): the origin keeps its CPU for the program. A cluster with no edge left serves from its origin.
  const candidates = edges.length > 0 ? edges : live.filter((n) => n.role === 'origin');
  const open = candidates.filter((n) => !isFull(n, threshold));
  const near = open.filter((n) => n.region === region);
  const pool = near.length > 0 ? near : open;
  // Fewest viewers first; ties broken by CPU, then id, so the answer is stable.
  return [...pool].sort((a, b) => a.load.viewers - b.load.viewers || a.load.cpu - b.load.cpu || a.id.localeCompare(b.id))[0];
}
