import { Router } from 'express';
import type { ClusterInfo } from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import { AppError } from '../errors';
import { bearerGrant } from './bearer';
import { route } from './httpErrors';

/**
 * The cluster's nodes, for admins:
 *   GET /api/cluster → {redis, self, nodes: [{id, role, region, announcedIp, url, startedAt, updatedAt, load}]}
 * `nodes` is read from the registry in Redis at each request (this node alone without Redis).
 */
export function clusterRoutes(cluster: () => Promise<ClusterInfo> | undefined, access: AccessTokens): Router {
  const router = Router();
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
