import { Router } from 'express';
import type { Agenda } from '../agenda/Agenda';
import type { ReRunSlot } from '@hybrid-stage/shared';
import { agendaCalendar } from '../agenda/icalendar';
import { NotFoundError } from '../errors';
import { route } from './httpErrors';

/** What the calendar routes read. */
export interface AgendaRouteDeps {
  agenda: Agenda;
  eventName: string;
  channelName: (channelId: string) => string;
  /** The scheduled re-runs (the re-run scheduler's list), each an event of its own; none if omitted. */
  reRuns?: () => readonly ReRunSlot[];
  /**
   * The address the calendar entries link to (PUBLIC_URL, or http://ANNOUNCED_IP:PORT): never the request's
   * Host header, which anyone can set and which would put their address into a file that is shared.
   */
  publicUrl: () => string;
}

/**
 * The agenda as calendar files (RFC 5545):
 *   GET /api/agenda.ics              every session and re-run
 *   GET /api/sessions/:sessionId.ics one session and its re-runs
 */
export function agendaRoutes({ agenda, eventName, channelName, reRuns = () => [], publicUrl }: AgendaRouteDeps): Router {
  const router = Router();
  const send = (res: import('express').Response, filename: string, body: string) => {
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.setHeader('Cache-Control', 'no-cache');
    res.send(body);
  };
  const baseUrl = () => publicUrl().replace(/\/+$/, '');

  router.get(
    '/agenda.ics',
    route(async (_req, res) => {
      send(res, 'agenda.ics', agendaCalendar(agenda.sessions, reRuns(), { name: eventName, channelName, baseUrl: baseUrl() }));
    }),
  );
  router.get(
    '/sessions/:sessionId.ics',
    route(async (req, res) => {
      const sessionId = String(req.params.sessionId);
      const session = agenda.get(sessionId);
      if (!session) throw new NotFoundError('session', sessionId.slice(0, 64));
      send(res, `${session.id}.ics`, agendaCalendar([session], reRuns(), { name: eventName, channelName, baseUrl: baseUrl() }));
    }),
  );
  return router;
}
