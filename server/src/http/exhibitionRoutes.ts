import { Router, type Request } from 'express';
import { z } from 'zod';
import { CommentModeration, NewComment, NewStand, StandContent, StandId, StandPlacement, VisitorId, mayManageStand, type IssuedVisitorId, type ViewerAccess } from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import { assertMayManageStand } from '../access/permissions';
import { AppError, NotFoundError } from '../errors';
import type { Exhibition } from '../exhibition/Exhibition';
import type { VisitorGate } from '../exhibition/VisitorGate';
import { bearerGrant, viewerGrant } from './bearer';
import { requestAddress } from './clientAddress';
import { parseBody, route } from './httpErrors';

/** The visitor id the request names: the `X-Visitor-Id` header (issued by POST /api/visitors, kept in localStorage); not yet checked. */
function visitorOf(req: Request): string {
  const header = req.get('x-visitor-id');
  if (!header) throw new AppError('INVALID_REQUEST', 'send your visitor id in the X-Visitor-Id header');
  return parseBody(VisitorId, header);
}

/** A stand id from the path; NOT_FOUND for anything that cannot be one. */
function standIdOf(req: Request): string {
  const id = String(req.params.standId);
  if (!StandId.safeParse(id).success) throw new NotFoundError('stand', id.slice(0, 48));
  return id;
}

/**
 * The exhibition over HTTP. Visitors are anonymous (a visitor id header, the server's signed id);
 * exhibitors and admins send their access token as a bearer token. Comments and gift claims are
 * limited per address and per visitor (VisitorGate).
 *   POST   /api/visitors                                 → 201 {visitorId} a new visitor id
 *   GET    /api/stands                                   every stand
 *   POST   /api/stands                                   {id, content, placement} add a stand (admin)
 *   GET    /api/stands/:standId                          one stand
 *   PUT    /api/stands/:standId                          StandContent (its exhibitor, admin)
 *   PUT    /api/stands/:standId/placement                {x, z, rotation} (admin)
 *   GET    /api/stands/:standId/comments                 newest first; hidden ones too for moderators
 *   POST   /api/stands/:standId/comments                 {author, text} → 201
 *   PATCH  /api/stands/:standId/comments/:commentId      {hidden} (its exhibitor, admin)
 *   DELETE /api/stands/:standId/comments/:commentId      → 204 (its exhibitor, admin)
 *   GET    /api/stands/:standId/gift                     the visitor's voucher, or 404
 *   POST   /api/stands/:standId/gift                     claim: 201 a new voucher, 200 the one claimed before
 *   GET    /api/exhibition/analytics                     admin: all stands; exhibitor: their stand; both: regions
 */
export function exhibitionRoutes(exhibition: Exhibition, visitorGate: VisitorGate, access: AccessTokens, viewers: ViewerAccess = 'anonymous'): Router {
  const router = Router();
  const { stands, comments, gifts, visits } = exhibition;
  /** The bearer's grant, or an anonymous viewer's (REGISTRATION_REQUIRED when the event asks viewers to register). */
  const grantOf = (req: Request) => viewerGrant(req, access, viewers);

  router.post(
    '/visitors',
    route(async (req, res) => {
      await grantOf(req);
      if (req.body !== undefined && Object.keys(req.body as object).length > 0) parseBody(z.strictObject({}), req.body);
      const body: IssuedVisitorId = { visitorId: visitorGate.issue(requestAddress(req)) };
      res.status(201).json(body);
    }),
  );

  router.get('/stands', route(async (_req, res) => void res.json(await stands.list())));

  router.post(
    '/stands',
    route(async (req, res) => {
      await bearerGrant(req, access, 'stand:add');
      res.status(201).json(await stands.add(parseBody(NewStand, req.body)));
    }),
  );

  router.get('/stands/:standId', route(async (req, res) => void res.json(await stands.get(standIdOf(req)))));

  router.put(
    '/stands/:standId',
    route(async (req, res) => {
      const grant = await bearerGrant(req, access, 'stand:edit');
      const standId = standIdOf(req);
      assertMayManageStand(grant, standId);
      res.json(await stands.updateContent(standId, parseBody(StandContent, req.body)));
    }),
  );

  router.put(
    '/stands/:standId/placement',
    route(async (req, res) => {
      await bearerGrant(req, access, 'stand:place');
      res.json(await stands.place(standIdOf(req), parseBody(StandPlacement, req.body)));
    }),
  );

  router.get(
    '/stands/:standId/comments',
    route(async (req, res) => {
      const standId = standIdOf(req);
      await stands.get(standId);
      res.json(await comments.list(standId, mayManageStand(await grantOf(req), standId)));
    }),
  );

  router.post(
    '/stands/:standId/comments',
    route(async (req, res) => {
      await grantOf(req);
      const standId = standIdOf(req);
      const comment = parseBody(NewComment, req.body);
      // Counted before the stand is read: a flood costs no database work past its allowance.
      const visitorId = visitorGate.admit('comment', requestAddress(req), visitorOf(req));
      await stands.get(standId);
      res.status(201).json(await comments.post(standId, visitorId, comment));
    }),
  );

  router.patch(
    '/stands/:standId/comments/:commentId',
    route(async (req, res) => {
      const grant = await bearerGrant(req, access, 'comment:moderate');
      const standId = standIdOf(req);
      assertMayManageStand(grant, standId);
      const { hidden } = parseBody(CommentModeration, req.body);
      res.json(await comments.setHidden(standId, String(req.params.commentId), hidden));
    }),
  );

  router.delete(
    '/stands/:standId/comments/:commentId',
    route(async (req, res) => {
      const grant = await bearerGrant(req, access, 'comment:moderate');
      const standId = standIdOf(req);
      assertMayManageStand(grant, standId);
      await comments.delete(standId, String(req.params.commentId));
      res.status(204).end();
    }),
  );

  router.get(
    '/stands/:standId/gift',
    route(async (req, res) => {
      await grantOf(req);
      const standId = standIdOf(req);
      const voucher = await gifts.find(standId, visitorGate.verify(visitorOf(req)));
      if (!voucher) throw new AppError('NOT_FOUND', 'you have not claimed this stand\'s gift yet');
      res.json(voucher);
    }),
  );

  router.post(
    '/stands/:standId/gift',
    route(async (req, res) => {
      await grantOf(req);
      const standId = standIdOf(req);
      const visitorId = visitorOf(req);
      if (req.body !== undefined && Object.keys(req.body as object).length > 0) parseBody(z.strictObject({}), req.body);
      visitorGate.admit('gift', requestAddress(req), visitorId);
      const { voucher, fresh } = await gifts.claim(standId, visitorId);
      res.status(fresh ? 201 : 200).json(voucher);
    }),
  );

  router.get(
    '/exhibition/analytics',
    route(async (req, res) => {
      const grant = await bearerGrant(req, access, 'exhibition:analytics');
      res.json(await visits.analytics(grant.role === 'admin' ? undefined : new Set(grant.standId ? [grant.standId] : [])));
    }),
  );
  return router;
}
