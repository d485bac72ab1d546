import { Router } from 'express';
import { IngestRequest } from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import { assertMayPublishIn } from '../access/permissions';
import type { IngestRegistry } from '../ingest/IngestRegistry';
import { bearerGrant } from './bearer';
import { parseBody, route } from './httpErrors';

/**
 * The ingest API, for automation and hardware encoders' control software:
 *   POST   /api/studios/:studioId/ingests  {label, protocol: "rtp"|"srt", source?: {ip, videoPort?, audioPort?}}
 *                                                                         → 201 the endpoint and its settings
 *   GET    /api/studios/:studioId/ingests                                  → the studio's endpoints
 *   DELETE /api/ingests/:ingestId                                         → 204
 */
export function ingestRoutes(ingests: IngestRegistry, access: AccessTokens): Router {
  const router = Router();
  router.post(
    '/studios/:studioId/ingests',
    route(async (req, res) => {
      const grant = await bearerGrant(req, access, 'ingest:create');
      const studioId = String(req.params.studioId);
      assertMayPublishIn(grant, studioId);
      res.status(201).json(await ingests.open(studioId, parseBody(IngestRequest, req.body)));
    }),
  );
  router.get(
    '/studios/:studioId/ingests',
    route(async (req, res) => {
      const grant = await bearerGrant(req, access, 'ingest:list');
      const studioId = String(req.params.studioId);
      assertMayPublishIn(grant, studioId);
      res.json(ingests.list(studioId));
    }),
  );
  router.delete(
    '/ingests/:ingestId',
    route(async (req, res) => {
      const grant = await bearerGrant(req, access, 'ingest:close');
      const ingest = ingests.get(String(req.params.ingestId));
      assertMayPublishIn(grant, ingest.feed.studioId);
      ingest.close();
      res.status(204).end();
    }),
  );
  return router;
}
