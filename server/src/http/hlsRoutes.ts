import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import { Language, type HlsSource, type ViewerAccess } from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import { AppError, NotFoundError } from '../errors';
import type { HlsRegistry } from '../hls/HlsRegistry';
import { masterPlaylist } from '../hls/playlists';
import { ProgramDates } from '../hls/programDates';
import { SUBTITLE_SEGMENT } from '../hls/SubtitleSegments';
import { viewerGrant } from './bearer';
import { route } from './httpErrors';
import { sendFileAnswering } from './sendFile';

/**
 * A signed HLS URL works at least this long, and is the same for every viewer of a channel for six
 * hours (its expiry is rounded), so a cache in front keeps one copy of each segment, not one per viewer.
 */
const SIGNED_LIFETIME_MS = 12 * 3600_000;
const SIGNED_ROUNDING_MS = 6 * 3600_000;

export const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
/** Playlists change every segment: caches keep them a second. */
export const PLAYLIST_CACHE = 'public, max-age=1';
/** Segments never change under their name (a restart starts a new clock and new names): caches keep them. */
export const SEGMENT_CACHE = 'public, max-age=31536000, immutable';

const CHANNEL = /^[a-z0-9][a-z0-9-]{0,39}$/;
const MEDIA_FILE = /^(\d{1,15}-\d{1,12}\.ts|index\.m3u8)$/;

/**
 * The query (`?expires=…&signature=…`) that lets players fetch everything under `prefix`, the same
 * for everyone for six hours (see SIGNED_LIFETIME_MS).
 */
export function signedQuery(access: AccessTokens, prefix: string): string {
  const now = Date.now();
  const expires = Math.ceil((now + SIGNED_LIFETIME_MS) / SIGNED_ROUNDING_MS) * SIGNED_ROUNDING_MS;
  return access.signPath(prefix, expires - now, now).slice(prefix.length);
}

/**
 * The signed query a player's request carries (`?expires=…&signature=…`, to carry on to every URI
 * a playlist lists), checked against `prefix`: UNAUTHORIZED with `message` when it is forged or old.
 */
export function verifiedQuery(req: Request, access: AccessTokens, prefix: string, message: string): string {
  const { expires, signature } = req.query;
  if (!access.verifyPath(prefix, expires, signature)) throw new AppError('UNAUTHORIZED', message);
  return `?expires=${String(expires)}&signature=${String(signature)}`;
}

/** The base URL players fetch /hls/ and /vod/ from ('' for this node's own), or undefined while no origin is live. */
export async function hlsBase({ origin, publicUrl }: HlsPlaces): Promise<string | undefined> {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  if (!origin) return '';
  const url = await origin();
  return url ? new URL(url).origin : undefined;
}

/** Appends `query` (with its `?`) to every URI line of a media playlist. */
export function withQuery(playlist: string, query: string): string {
  if (!query) return playlist;
  return playlist.replace(/^(?!#)(\S+)$/gm, `$1${query}`);
}

/** Where players fetch HLS from, when not from this node. */
export interface HlsPlaces {
  /** On an edge: the active origin's URL, where HLS is packaged (an edge's own buses are idle). */
  origin?: () => Promise<string | undefined>;
  /** HLS_PUBLIC_URL: a CDN or HTTP cache in front of the origin(s), which players fetch /hls/ from. */
  publicUrl?: string;
}

/**
 * The channels over HLS, for players and the caches in front of them:
 *   GET /api/hls/:channelId                              where the channel plays (HlsSource; a viewer's token at a registered event)
 *   GET /hls/:channelId/master.m3u8                      the master playlist (starts the channel's packager if it is off)
 *   GET /hls/:channelId/<rendition>/index.m3u8           a video rendition's (720p, 480p, 360p, 240p) or the floor audio's (audio) playlist
 *   GET /hls/:channelId/<rendition>/<clock>-<n>.ts       an MPEG-TS segment
 *   GET /hls/:channelId/subs/<language>/index.m3u8       a caption language's subtitle playlist
 *   GET /hls/:channelId/subs/<language>/<n>-<digest>.vtt a WebVTT segment
 * At an event that asks viewers to register, every /hls/ URL needs the signature /api/hls gives
 * (players cannot send a token); the playlists carry it on to every URI they list.
 *
 * On an edge (`origin` given: the active origin's URL), /api/hls answers the origin's address,
 * where the program is packaged (the same signature works there: every node has the same key),
 * and /hls/ is ORIGIN_ONLY: the edge's own buses are idle. With `publicUrl` (HLS_PUBLIC_URL: a CDN
 * or cache in front of the origin), every node answers that address instead.
 */
export function hlsRoutes(hls: HlsRegistry, access: AccessTokens, viewers: ViewerAccess, places: HlsPlaces = {}): Router {
  const { origin } = places;
  const router = Router();
  const registered = viewers === 'registered';
  const prefix = (channelId: string) => `/hls/${channelId}/`;

  const channelOf = (req: Request): string => {
    const channelId = String(req.params.channelId);
    if (!CHANNEL.test(channelId)) throw new NotFoundError('channel', channelId);
    return channelId;
  };

  /** The signed query a player's requests carry (checked), or '' at an anonymous event. */
  const queryOf = (req: Request, channelId: string): string => {
    if (!registered) return '';
    const { expires, signature } = req.query;
    if (expires === undefined && signature === undefined) throw new AppError('REGISTRATION_REQUIRED', 'this event asks viewers to register first; HLS links come from /api/hls');
    return verifiedQuery(req, access, prefix(channelId), 'this HLS link is not valid or has expired; open the channel again');
  };

  const programDates = new ProgramDates();
  const sendPlaylist = (res: Response, text: string, cache = PLAYLIST_CACHE) => {
    res.setHeader('Cache-Control', cache);
    res.type(PLAYLIST_TYPE).send(text);
  };

  router.get(
    '/api/hls/:channelId',
    route(async (req, res) => {
      await viewerGrant(req, access, viewers);
      const channelId = channelOf(req);
      hls.assertChannel(channelId);
      const base = await hlsBase(places);
      if (base === undefined) {
        res.setHeader('Retry-After', '2');
        throw new AppError('UNAVAILABLE', 'no origin is packaging HLS this moment (one is taking over); try again');
      }
      const url = `${base}${prefix(channelId)}master.m3u8${registered ? signedQuery(access, prefix(channelId)) : ''}`;
      const body: HlsSource = { channelId, url };
      res.setHeader('Cache-Control', 'no-store');
      res.json(body);
    }),
  );

  router.get(
    '/hls/:channelId/{*path}',
    route(async (req, res) => {
      // Errors are not for caches to keep: the same URL works a moment later.
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Access-Control-Allow-Origin', '*');
      if (origin) throw new AppError('ORIGIN_ONLY', 'HLS is packaged on the origin: /api/hls gives its address');
      const channelId = channelOf(req);
      const path = (req.params as { path?: string[] }).path ?? [];
      const query = queryOf(req, channelId);
      try {
        await serveFile(res, channelId, path, query);
      } catch (error) {
        // The first pull of a channel may find its packager still starting: players try again.
        if (error instanceof AppError && error.code === 'UNAVAILABLE') res.setHeader('Retry-After', '2');
        throw error;
      }
    }),
  );

  async function serveFile(res: Response, channelId: string, path: string[], query: string): Promise<void> {
    const [first, second, third] = path;

    if (path.length === 1 && first === 'master.m3u8') {
      const { renditions, subtitles } = await hls.pull(channelId);
      sendPlaylist(res, masterPlaylist({ renditions, subtitles: subtitles.languages, query }), 'public, max-age=2');
      return;
    }
    if (path.length === 3 && first === 'subs') {
      const language = Language.safeParse(second);
      if (!language.success) throw new NotFoundError('subtitle track', String(second));
      if (third === 'index.m3u8') {
        const { clock, subtitles } = await hls.pull(channelId);
        sendPlaylist(res, withQuery(subtitles.playlist(language.data, clock), query));
        return;
      }
      const segment = SUBTITLE_SEGMENT.exec(third ?? '');
      const live = hls.live(channelId);
      if (!segment || !live) throw new NotFoundError('subtitle segment', String(third));
      hls.touch(channelId);
      const { text, current } = live.subtitles.segmentFile(language.data, Number(segment[1]), segment[2]!, live.clock);
      res.setHeader('Cache-Control', current ? SEGMENT_CACHE : PLAYLIST_CACHE);
      res.type('text/vtt; charset=utf-8').send(text);
      return;
    }
    if (path.length === 2 && MEDIA_FILE.test(second ?? '')) {
      // A playlist is a pull (it starts the packager of a channel nobody watched); a segment only keeps it running.
      const live = second === 'index.m3u8' ? await hls.pull(channelId) : hls.live(channelId);
      if (!live || (first !== 'audio' && !live.renditions.some((r) => r.name === first))) throw new NotFoundError('HLS file', path.join('/'));
      const file = join(hls.dirOf(channelId), first!, second!);
      if (second === 'index.m3u8') {
        const text = await readFile(file, 'utf8').catch(() => undefined);
        if (text === undefined) throw new NotFoundError('HLS playlist', path.join('/'));
        sendPlaylist(res, withQuery(await programDates.rewrite(text, dirname(file), live.clock.epochMs), query));
        return;
      }
      hls.touch(channelId);
      res.type('video/mp2t');
      res.setHeader('Cache-Control', SEGMENT_CACHE);
      await sendFileAnswering(res, file, { dotfiles: 'deny', cacheControl: false }, 'HLS segment', path.join('/')).catch((error: unknown) => {
        res.setHeader('Cache-Control', 'no-store');
        throw error;
      });
      hls.countSegmentServed();
      return;
    }
    throw new NotFoundError('HLS file', path.join('/'));
  }
  return router;
}
