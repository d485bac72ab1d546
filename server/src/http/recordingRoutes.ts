import { Router } from 'express';
import { Language, Requests, type ViewerAccess } from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import type { CaptionPipeline } from '../captions/CaptionPipeline';
import { writeWebVtt } from '../captions/webvtt';
import { AppError, NotFoundError } from '../errors';
import type { RecordingRegistry } from '../recording/RecordingRegistry';
import { recordingCues } from '../recording/recordingCues';
import type { ReRunScheduler } from '../reruns/ReRunScheduler';
import { bearerGrant, viewerGrant } from './bearer';
import { parseBody, route } from './httpErrors';
import { sendFileAnswering } from './sendFile';

// The same requests as over the socket; over HTTP the re-run's id is in the path.
const CreateReRun = Requests['rerun:create'];
const UpdateReRun = Requests['rerun:update'].omit({ rerunId: true });

/**
 * Recordings and re-runs over HTTP:
 *   GET    /api/recordings                                  every recording (producer token)
 *   POST   /api/channels/:channelId/recording               start recording a channel's program (producer token)
 *   DELETE /api/channels/:channelId/recording               stop it (producer token)
 *   GET    /api/recordings/:recordingId/file                the WebM file, with range requests (producer token)
 *   DELETE /api/recordings/:recordingId                     delete a finished recording no re-run still needs (producer token)
 *   GET    /api/recordings/:recordingId/captions/:lang.vtt  its captions, times from the recording's start
 *                                                            (a viewer token when the event asks viewers to register)
 *   GET    /api/reruns                                      the re-run schedule
 *   POST   /api/reruns  {sessionId, channelId, startsAt, region}   schedule one (producer token)
 *   PATCH  /api/reruns/:rerunId  {channelId?, startsAt?, region?}  move one (producer token)
 *   DELETE /api/reruns/:rerunId                              remove one, or stop it playing (producer token)
 */
export function recordingRoutes(recordings: RecordingRegistry, reruns: ReRunScheduler, captions: CaptionPipeline, access: AccessTokens, viewers: ViewerAccess): Router {
  const router = Router();

  router.get(
    '/recordings',
    route(async (req, res) => {
      await bearerGrant(req, access, 'recording:list');
      res.json(await recordings.list());
    }),
  );
  router.post(
    '/channels/:channelId/recording',
    route(async (req, res) => {
      await bearerGrant(req, access, 'recording:start');
      res.status(201).json(await recordings.start(String(req.params.channelId)));
    }),
  );
  router.delete(
    '/channels/:channelId/recording',
    route(async (req, res) => {
      await bearerGrant(req, access, 'recording:stop');
      res.json(await recordings.stop(String(req.params.channelId)));
    }),
  );
  router.get(
    '/recordings/:recordingId/file',
    route(async (req, res) => {
      await bearerGrant(req, access, 'recording:download');
      const file = await recordings.file(String(req.params.recordingId));
      await sendFileAnswering(res, file, { headers: { 'Content-Type': 'video/webm' } }, 'recording file', String(req.params.recordingId));
    }),
  );
  router.delete(
    '/recordings/:recordingId',
    route(async (req, res) => {
      await bearerGrant(req, access, 'recording:delete');
      await reruns.deleteRecording(String(req.params.recordingId));
      res.status(204).end();
    }),
  );
  router.get(
    '/recordings/:recordingId/captions/:language.vtt',
    route(async (req, res) => {
      await viewerGrant(req, access, viewers);
      const recording = await recordings.get(String(req.params.recordingId));
      const language = Language.safeParse(req.params.language);
      if (!language.success) throw new AppError('INVALID_REQUEST', 'unknown language');
      const cues = (await recordingCues(captions, recording)).filter((c) => c.language === language.data);
      res.type('text/vtt; charset=utf-8').send(writeWebVtt(cues, language.data));
    }),
  );

  router.get('/reruns', (_req, res) => {
    res.json(reruns.list());
  });
  router.post(
    '/reruns',
    route(async (req, res) => {
      await bearerGrant(req, access, 'rerun:create');
      res.status(201).json(await reruns.create(parseBody(CreateReRun, req.body)));
    }),
  );
  router.patch(
    '/reruns/:rerunId',
    route(async (req, res) => {
      await bearerGrant(req, access, 'rerun:update');
      res.json(await reruns.update(String(req.params.rerunId), parseBody(UpdateReRun, req.body)));
    }),
  );
  router.delete(
    '/reruns/:rerunId',
    route(async (req, res) => {
      await bearerGrant(req, access, 'rerun:delete');
      await reruns.delete(String(req.params.rerunId));
      res.status(204).end();
    }),
  );
  return router;
}
