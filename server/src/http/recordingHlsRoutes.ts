import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Router, type Response } from 'express';
import { Language, LANGUAGES, type RecordingHls } from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import type { CaptionPipeline } from '../captions/CaptionPipeline';
import { AppError, NotFoundError } from '../errors';
import type { PackagedRecording, RecordingPackager } from '../hls/RecordingPackager';
import { masterPlaylist, vodSubtitlePlaylist, vttSegment } from '../hls/playlists';
import { recordingCues } from '../recording/recordingCues';
import type { RecordingRegistry } from '../recording/RecordingRegistry';
import { bearerGrant } from './bearer';
import { hlsBase, PLAYLIST_CACHE, PLAYLIST_TYPE, SEGMENT_CACHE, signedQuery, verifiedQuery, withQuery, type HlsPlaces } from './hlsRoutes';
import { route } from './httpErrors';
import { sendFileAnswering } from './sendFile';

const RECORDING_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MEDIA_FILE = /^(\d{1,12}\.ts|index\.m3u8)$/;
const CAPTIONS_FILE = 'captions.vtt';

/**
 * Finished recordings over HLS, for producers (as their WebM files are):
 *   GET /api/recordings/:recordingId/hls                 its packaging (started by the first request) and, once ready, its signed master playlist URL
 *   GET /vod/:recordingId/master.m3u8                    the master playlist: the ladder, the floor audio, a subtitle track per caption language
 *   GET /vod/:recordingId/<rendition>/index.m3u8         a VOD media playlist (a video rendition's, or `audio`)
 *   GET /vod/:recordingId/<rendition>/<n>.ts             an MPEG-TS segment
 *   GET /vod/:recordingId/subs/<language>/index.m3u8     a caption language's subtitle playlist: one segment, the whole recording
 *   GET /vod/:recordingId/subs/<language>/captions.vtt   its cues at their offsets, from the captions database (corrections included)
 * Every /vod/ URL needs the signature /api/recordings/:id/hls gives (players cannot send a token);
 * the playlists carry it on. On an edge both are ORIGIN_ONLY: the files are on the origin.
 */
export function recordingHlsRoutes(recordings: RecordingRegistry, packager: RecordingPackager, captions: CaptionPipeline, access: AccessTokens, places: HlsPlaces): Router {
  const router = Router();
  const prefix = (recordingId: string) => `/vod/${recordingId}/`;
  const onEdge = () => {
    if (places.origin) throw new AppError('ORIGIN_ONLY', 'recordings are packaged on the origin: ask the crew address');
  };
  /** The caption languages a recording has cues in, in the product's order. */
  const languagesOf = async (recordingId: string) => {
    const present = new Set((await recordingCues(captions, await recordings.get(recordingId))).map((c) => c.language));
    return LANGUAGES.filter((l) => present.has(l));
  };

  router.get(
    '/api/recordings/:recordingId/hls',
    route(async (req, res) => {
      await bearerGrant(req, access, 'recording:watch');
      res.setHeader('Cache-Control', 'no-store');
      onEdge();
      const recordingId = String(req.params.recordingId);
      const recording = await recordings.get(recordingId);
      if (recording.status === 'recording') throw new AppError('INVALID_STATE', 'this recording is still running: stop it first');
      if (recording.status === 'failed') throw new AppError('INVALID_STATE', 'this recording failed: it has nothing to play');
      const state = packager.request(recordingId, await recordings.file(recordingId));
      const body: RecordingHls = { recordingId, status: state.status, progress: state.status === 'ready' ? 1 : state.progress, captionLanguages: await languagesOf(recordingId) };
      if (state.status === 'ready') {
        const base = await hlsBase(places);
        body.url = `${base ?? ''}${prefix(recordingId)}master.m3u8${signedQuery(access, prefix(recordingId))}`;
      }
      res.json(body);
    }),
  );

  router.get(
    '/vod/:recordingId/{*path}',
    route(async (req, res) => {
      // Errors are not for caches to keep.
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Access-Control-Allow-Origin', '*');
      onEdge();
      const recordingId = String(req.params.recordingId);
      if (!RECORDING_ID.test(recordingId)) throw new NotFoundError('recording', recordingId);
      const query = verifiedQuery(req, access, prefix(recordingId), 'this link is not valid or has expired; open the recording again');
      const packaged = packager.packaged(recordingId);
      if (!packaged) throw new NotFoundError('packaged recording', recordingId);
      await serveFile(res, recordingId, (req.params as { path?: string[] }).path ?? [], query, packaged);
    }),
  );

  async function serveFile(res: Response, recordingId: string, path: string[], query: string, { renditions, durationMs }: PackagedRecording): Promise<void> {
    const [first, second, third] = path;
    const playlist = (text: string) => {
      res.setHeader('Cache-Control', PLAYLIST_CACHE);
      res.type(PLAYLIST_TYPE).send(text);
    };
    if (path.length === 1 && first === 'master.m3u8') {
      return playlist(masterPlaylist({ renditions, subtitles: await languagesOf(recordingId), query }));
    }
    if (path.length === 3 && first === 'subs') {
      const language = Language.safeParse(second);
      if (!language.success) throw new NotFoundError('subtitle track', String(second));
      if (third === 'index.m3u8') return playlist(withQuery(vodSubtitlePlaylist(durationMs, CAPTIONS_FILE), query));
      if (third !== CAPTIONS_FILE) throw new NotFoundError('subtitle file', String(third));
      const cues = (await recordingCues(captions, await recordings.get(recordingId))).filter((c) => c.language === language.data);
      // Segments start at MPEG-TS time 0 (ladderEncoding: no mux delay), the recording's first moment.
      res.setHeader('Cache-Control', PLAYLIST_CACHE);
      res.type('text/vtt; charset=utf-8').send(vttSegment(0, cues));
      return;
    }
    if (path.length === 2 && (first === 'audio' || renditions.some((r) => r.name === first)) && MEDIA_FILE.test(second!)) {
      const file = join(packager.dirOf(recordingId), first!, second!);
      if (second === 'index.m3u8') {
        const text = await readFile(file, 'utf8').catch(() => undefined);
        if (text === undefined) throw new NotFoundError('HLS playlist', path.join('/'));
        return playlist(withQuery(text, query));
      }
      res.type('video/mp2t');
      res.setHeader('Cache-Control', SEGMENT_CACHE);
      await sendFileAnswering(res, file, { dotfiles: 'deny', cacheControl: false }, 'HLS segment', path.join('/')).catch((error: unknown) => {
        res.setHeader('Cache-Control', 'no-store');
        throw error;
      });
      return;
    }
    throw new NotFoundError('HLS file', path.join('/'));
  }
  return router;
}
