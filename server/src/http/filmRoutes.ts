import express, { Router, type Request } from 'express';
import { FilmDetails, FilmId, Language } from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import type { FilmLibrary } from '../cinema/FilmLibrary';
import { MAX_VTT_BYTES } from '../captions/webvtt';
import { AppError, NotFoundError } from '../errors';
import { bearerGrant } from './bearer';
import { parseBody, route } from './httpErrors';

/** Who manages the films. */
const FILM_ADMINS = ['producer', 'admin'] as const;

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
 *   PUT    /api/films/:filmId/video                upload the video (video/webm or video/mp4 body; producer token)
 *   PUT    /api/films/:filmId/captions/:lang.vtt   upload a caption track (text/vtt; producer token)
 *   PUT    /api/films/:filmId  {title, description} set its details (producer token)
 *   DELETE /api/films/:filmId                      remove it (producer token)
 */
export function filmRoutes(films: FilmLibrary, access: AccessTokens): Router {
  const router = Router();

  router.get(
    '/films',
    route(async (_req, res) => {
      res.json(await films.list());
    }),
  );
  router.get(
    '/films/files/{*name}',
    route(async (req, res) => {
      const segments = (req.params as { name?: string[] }).name ?? [];
      const path = films.resolve(segments.join('/'));
      await new Promise<void>((resolve, reject) =>
        res.sendFile(path, { dotfiles: 'deny', maxAge: '1h' }, (error) =>
          error && !res.headersSent ? reject(new NotFoundError('film file', segments.join('/'))) : resolve(),
        ),
      );
    }),
  );
  router.get(
    '/films/:filmId',
    route(async (req, res) => {
      res.json(await films.get(filmId(req)));
    }),
  );
  router.put(
    '/films/:filmId/video',
    route(async (req, res) => {
      await bearerGrant(req, access, FILM_ADMINS);
      const id = filmId(req);
      const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      try {
        res.status(201).json(await films.saveVideo(id, type, req));
      } catch (error) {
        // Refused before the whole body came: the rest is not read, so this connection cannot carry another request.
        if (!req.complete) res.setHeader('Connection', 'close');
        throw error;
      }
    }),
  );
  router.put(
    '/films/:filmId/captions/:language.vtt',
    express.text({ type: ['text/vtt', 'text/plain'], limit: MAX_VTT_BYTES }),
    route(async (req, res) => {
      await bearerGrant(req, access, FILM_ADMINS);
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
      await bearerGrant(req, access, FILM_ADMINS);
      const id = filmId(req);
      res.json(await films.saveDetails(id, parseBody(FilmDetails, req.body)));
    }),
  );
  router.delete(
    '/films/:filmId',
    route(async (req, res) => {
      await bearerGrant(req, access, FILM_ADMINS);
      await films.delete(filmId(req));
      res.status(204).end();
    }),
  );
  return router;
}
