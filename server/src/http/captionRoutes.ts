import express, { Router } from 'express';
import { z } from 'zod';
import { IngestCue, Language, MAX_INGEST_BATCH, type Grant, type ViewerAccess } from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import { assertMayCaption } from '../access/permissions';
import type { Agenda } from '../agenda/Agenda';
import type { CaptionPipeline } from '../captions/CaptionPipeline';
import { MAX_VTT_BYTES, parseWebVtt, writeWebVtt } from '../captions/webvtt';
import { AppError, NotFoundError } from '../errors';
import { bearerGrant, bearerKey, viewerGrant } from './bearer';
import { beforeBody, parseBody, route } from './httpErrors';

const IngestBatch = z.strictObject({ cues: z.array(IngestCue).min(1).max(MAX_INGEST_BATCH) });

/**
 * Captions over HTTP:
 *   POST /api/channels/:channelId/captions                      {cues: [...]} a provider's batch (captioner token;
 *                                                               CAPTION_INGEST_PER_MINUTE cues a minute per token)
 *   GET  /api/channels/:channelId/sessions/:sessionId/captions/:language.vtt   a session's captions as WebVTT
 *                                                                            (a viewer token when the event asks viewers to register)
 *   PUT  /api/channels/:channelId/sessions/:sessionId/captions/:language.vtt   a WebVTT file for a session (captioner token),
 *                                                                            replacing the one imported before → 201 {cues, replaced}
 */
export function captionRoutes(captions: CaptionPipeline, agenda: Agenda, access: AccessTokens, viewers: ViewerAccess): Router {
  const router = Router();
  const language = (value: string) => {
    const parsed = Language.safeParse(value);
    if (!parsed.success) throw new AppError('INVALID_REQUEST', `unknown language ${JSON.stringify(value.slice(0, 20))}`);
    return parsed.data;
  };
  const session = (channelId: string, sessionId: string) => {
    const found = agenda.get(sessionId);
    if (!found || found.channelId !== channelId) throw new NotFoundError('session', sessionId);
    return found;
  };

  router.post(
    '/channels/:channelId/captions',
    route(async (req, res) => {
      const grant = await bearerGrant(req, access, 'captions:ingest');
      const channelId = String(req.params.channelId);
      const { cues } = parseBody(IngestBatch, req.body);
      for (const cue of cues) assertMayCaption(grant, channelId, cue.language);
      res.json({ results: await captions.ingest(channelId, cues, `${grant.role}:api`, bearerKey(req)!) });
    }),
  );

  router.get(
    '/channels/:channelId/sessions/:sessionId/captions/:language.vtt',
    route(async (req, res) => {
      await viewerGrant(req, access, viewers);
      const found = session(String(req.params.channelId), String(req.params.sessionId));
      const lang = language(String(req.params.language));
      const origin = Date.parse(found.startsAt);
      const cues = (await captions.session(found.id, lang)).map((c) => ({ startMs: c.startMs - origin, endMs: c.endMs - origin, text: c.text }));
      res.type('text/vtt; charset=utf-8').send(writeWebVtt(cues, lang));
    }),
  );

  router.put(
    '/channels/:channelId/sessions/:sessionId/captions/:language.vtt',
    // Who may import, into which session, is settled before the file (up to 1 MB) is read.
    beforeBody(async (req, res) => {
      const grant = await bearerGrant(req, access, 'captions:import');
      assertMayCaption(grant, String(req.params.channelId), language(String(req.params.language)));
      session(String(req.params.channelId), String(req.params.sessionId));
      res.locals.grant = grant;
    }),
    express.text({ type: ['text/vtt', 'text/plain'], limit: MAX_VTT_BYTES }),
    route(async (req, res) => {
      const grant = res.locals.grant as Grant;
      const channelId = String(req.params.channelId);
      const lang = language(String(req.params.language));
      const found = session(channelId, String(req.params.sessionId));
      if (typeof req.body !== 'string') throw new AppError('INVALID_REQUEST', 'send the file as text/vtt');
      const cues = parseWebVtt(req.body);
      res.status(201).json(await captions.importSession(channelId, found.id, lang, cues, `${grant.role}:file`));
    }),
  );
  return router;
}
