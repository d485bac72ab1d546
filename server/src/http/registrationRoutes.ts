import { Router } from 'express';
import { NewRegistration, type RegistrationResult, type ViewerAccess } from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import { mintInvite } from '../access/mintInvite';
import { AppError } from '../errors';
import type { RegistrationStore } from '../registration/RegistrationStore';
import { registrationsCsv } from '../registration/registrationsCsv';
import { bearerGrant } from './bearer';
import { ClientRateLimits } from '../limits/ClientRateLimits';
import { requestAddress } from './clientAddress';
import { parseBody, route } from './httpErrors';

/** How long a registered viewer's token works. */

/**
 * Viewer registration, when the event asks viewers to register:
 *   POST /api/registrations      {name, email, organisation, country, consent: true}
 *                                → 201 {token, expiresAt}; the same email again gets the same answer (a new
 *                                  token; the first registration is kept), so nobody learns who registered
 *   GET  /api/registrations      admin: {count, registrations}
 *   GET  /api/registrations.csv  admin: every registration as CSV
 */
export function registrationRoutes(store: RegistrationStore, access: AccessTokens, viewers: ViewerAccess, perMinutePerAddress: number): Router {
  const router = Router();
  const limits = new ClientRateLimits(perMinutePerAddress);

  router.post(
    '/registrations',
    route(async (req, res) => {
      if (!limits.take(requestAddress(req))) throw new AppError('RATE_LIMITED', 'too many registrations from this address; try again in a minute');
      if (viewers !== 'registered') throw new AppError('INVALID_STATE', 'this event does not ask viewers to register: just watch');
      await store.register(parseBody(NewRegistration, req.body));
      // A registration is a viewer invite: the same token and lifetime as a viewer link.
      const { token, expiresAt } = await mintInvite(access, { role: 'viewer' });
      const body: RegistrationResult = { token, expiresAt };
      res.status(201).json(body);
    }),
  );
  router.get(
    '/registrations',
    route(async (req, res) => {
      await bearerGrant(req, access, 'registration:list');
      res.json({ count: await store.count(), registrations: await store.list() });
    }),
  );
  router.get(
    '/registrations.csv',
    route(async (req, res) => {
      await bearerGrant(req, access, 'registration:list');
      res.type('text/csv; charset=utf-8').attachment('registrations.csv').send(registrationsCsv(await store.list()));
    }),
  );
  return router;
}
