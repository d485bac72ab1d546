import express, { Router, type Request } from 'express';
import { FilmDetails, FilmId, Language, type FilmInfo, type ViewerAccess } from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import { FILE_URL, type FilmLibrary } from '../cinema/FilmLibrary';
import { MAX_VTT_BYTES } from '../captions/webvtt';
import { AppError, NotFoundError } from '../errors';
import { bearerGrant, viewerGrant } from './bearer';
import { beforeBody, parseBody, route } from './httpErrors';
import { sendFileAnswering } from './sendFile';

/** How long a registered viewer's film and track URLs work: a long evening in the cinema. */
const FILM_URL_LIFETIME_MS = 12 * 3600_000;

function filmId(req: Request): string {
  const parsed = FilmId.safeParse(req.params.filmId);
  if (!parsed.success) throw new AppError('INVALID_REQUEST', 'a film id is lowercase letters, digits and dashes (at most 63)');
  return parsed.data;
}

/**
 * The cinema over HTTP:
 *   GET    /api/films                              every film with its video and caption tracks
 *   GET    /api/films/:filmId                      one film
 *   GET    /api/films/files/:name                  a film's video (range requests) or WebVTT track
 * At an event that asks viewers to register, the lists need a token (REGISTRATION_REQUIRED without)
 * and give the files' URLs signed for 12 hours: `<video>` and `<track>` cannot send a token, so a
 * file is served only through such a URL.
 *   PUT    /api/films/:filmId/video                upload the video (video/webm or video/mp4 body; producer token)
 *   PUT    /api/films/:filmId/captions/:lang.vtt   upload a caption track (text/vtt; producer token)
 *   PUT    /api/films/:filmId  {title, description} set its details (producer token)
 *   DELETE /api/films/:filmId                      remove it (producer token)
 */
export function filmRoutes(films: FilmLibrary, access: AccessTokens, viewers: ViewerAccess): Router {
  const router = Router();
  const registered = viewers === 'registered';
  const signed = (src: string) => access.signPath(src, FILM_URL_LIFETIME_MS);
  /** A film as a viewer gets it: with signed file URLs at a registered event. */
  const forViewer = (film: FilmInfo): FilmInfo =>
    registered ? { ...film, src: signed(film.src), tracks: film.tracks.map((t) => ({ ...t, src: signed(t.src) })) } : film;

  router.get(
    '/films',
    route(async (req, res) => {
      await viewerGrant(req, access, viewers);
      res.json((await films.list()).map(forViewer));
    }),
  );
  router.get(
    '/films/files/{*name}',
    route(async (req, res) => {
      const segments = (req.params as { name?: string[] }).name ?? [];
      if (registered) {
        const { expires, signature } = req.query;
        if (expires === undefined && signature === undefined) throw new AppError('REGISTRATION_REQUIRED', 'this event asks viewers to register first; film files are linked from /api/films');
        if (!access.verifyPath(FILE_URL + segments.join('/'), expires, signature)) throw new AppError('UNAUTHORIZED', 'this film link is not valid or has expired; open the cinema again');
      }
      const path = films.resolve(segments.join('/'));
      await sendFileAnswering(res, path, { dotfiles: 'deny', maxAge: '1h' }, 'film file', segments.join('/'));
    }),
  );
  router.get(
    '/films/:filmId',
    route(async (req, res) => {
      await viewerGrant(req, access, viewers);
      res.json(forViewer(await films.get(filmId(req))));
    }),
  );
  router.put(
    '/films/:filmId/video',
    route(async (req, res) => {
      await bearerGrant(req, access, 'film:manage');
      const id = filmId(req);
      const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      try {
        res.status(201).json(await films.saveVideo(id, type, req, Number(req.get('content-length')) || 0));
      } catch (error) {
        // Refused before the whole body came: the rest is not read, so this connection cannot carry another request.
        if (!req.complete) res.setHeader('Connection', 'close');
        throw error;
      }
    }),
  );
  router.put(
    '/films/:filmId/captions/:language.vtt',
    // The token is checked before the track (up to 1 MB) is read.
    beforeBody(async (req) => void (await bearerGrant(req, access, 'film:manage'))),
    express.text({ type: ['text/vtt', 'text/plain'], limit: MAX_VTT_BYTES }),
    route(async (req, res) => {
      const id = filmId(req);
      const language = Language.safeParse(req.params.language);
      if (!language.success) throw new AppError('INVALID_REQUEST', 'unknown language');
      if (typeof req.body !== 'string') throw new AppError('INVALID_REQUEST', 'send the file as text/vtt');
      res.status(201).json(await films.saveTrack(id, language.data, req.body));
    }),
  );
  router.put(
    '/films/:filmId',
    route(async (req, res) => {
      await bearerGrant(req, access, 'film:manage');
      const id = filmId(req);
      res.json(await films.saveDetails(id, parseBody(FilmDetails, req.body)));
    }),
  );
  router.delete(
    '/films/:filmId',
    route(async (req, res) => {
      await bearerGrant(req, access, 'film:manage');
      await films.delete(filmId(req));
      res.status(204).end();
    }),
  );
  return router;
}
