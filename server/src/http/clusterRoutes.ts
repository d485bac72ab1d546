import { Router } from 'express';
import { z } from 'zod';
import { NodeName, type ClusterInfo, type Placement } from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import { AppError } from '../errors';
import { bearerGrant } from './bearer';
import { route } from './httpErrors';

/**
 * The cluster's nodes, for admins:
 *   GET /api/cluster → {redis, self, nodes: [{id, role, region, announcedIp, url, startedAt, updatedAt, load}]}
 * `nodes` is read from the registry in Redis at each request (this node alone without Redis).
 */
/**
 * `GET /api/placement`'s query: the viewer's region, and the nodes it failed to watch from
 * (comma-separated). Any other parameter is ignored: every edge serves every channel.
 */
const PlacementQuery = z.object({
  region: NodeName.optional(),
  failed: z
    .string()
    .max(600)
    .optional()
    .transform((list) => (list ? list.split(',').filter(Boolean) : []))
    .pipe(z.array(NodeName).max(8)),
});

export function clusterRoutes(
  cluster: () => Promise<ClusterInfo> | undefined,
  access: AccessTokens,
  placement: (region: string | undefined, failed: readonly string[]) => Promise<Placement>,
): Router {
  const router = Router();
  /**
   * Where a viewer watches from (anyone may ask):
   *   GET /api/placement?region=eu-west&failed=edge-1,edge-2 → {node, url, region, nodes}
   * An edge in the viewer's region (this node's by default) under the load threshold, else any under
   * it, fewest viewers first; the nodes in `failed` are left out. 503 NODE_FULL when all are full.
   * A page of another node of the cluster may ask (CORS for the cluster's own URLs, nothing wider).
   */
  router.get(
    '/placement',
    route(async (req, res) => {
      const query = PlacementQuery.safeParse(req.query);
      if (!query.success) throw new AppError('INVALID_REQUEST', z.prettifyError(query.error));
      const answer = await placement(query.data.region, query.data.failed);
      const from = req.get('origin');
      if (from && answer.nodes.some((url) => new URL(url).origin === from)) res.setHeader('Access-Control-Allow-Origin', from);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Cache-Control', 'no-store');
      res.json(answer);
    }),
  );
  router.get(
    '/cluster',
    route(async (req, res) => {
      await bearerGrant(req, access, 'cluster:list');
      const info = cluster();
      if (!info) throw new AppError('INVALID_STATE', 'the node is still starting');
      res.json(await info);
    }),
  );
  return router;
}
