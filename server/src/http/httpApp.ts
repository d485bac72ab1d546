import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import { isAppPage, type ClusterInfo, type EventInfo } from '@hybrid-stage/shared';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { errorHandler } from './httpErrors';
import { ServerMetrics, type MetricsSources } from './metrics';
import { bearerMatches } from './bearer';
import { ingestRoutes } from './ingestRoutes';
import { captionRoutes } from './captionRoutes';
import { agendaRoutes } from './agendaRoutes';
import { recordingRoutes } from './recordingRoutes';
import { filmRoutes } from './filmRoutes';
import { hlsRoutes, type HlsPlaces } from './hlsRoutes';
import { recordingHlsRoutes } from './recordingHlsRoutes';
import { exhibitionRoutes } from './exhibitionRoutes';
import { looksLikeFile, refuseUnsafePaths } from './safePaths';
import { registrationRoutes } from './registrationRoutes';
import { clusterRoutes } from './clusterRoutes';
import { NodeName, type Placement } from '@hybrid-stage/shared';
import { appShell } from './appShell';
import { forClient } from '../media/forClient';

/**
 * Headers on every response. The CSP allows only this origin's scripts and connections (socket.io
 * and the API), images from here, media from here and from the web addresses a stand's video may
 * have, blob: and data: (generated textures, streams), inline
 * style attributes (React sets them), and no framing by other sites.
 */
const SECURITY_HEADERS = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    // Stand videos are web addresses the stand editor takes (StandContent.videoUrl: http or https);
    // hls.js gives each subtitle track an empty `data:,WEBVTT` source (its cues are added by script).
    "media-src 'self' blob: data: https: http:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  // Cameras, microphones and screens only for this origin's pages (studios, guests).
  'Permissions-Policy': 'camera=(self), microphone=(self), display-capture=(self), geolocation=()',
};

/** The services the HTTP layer serves. */
export type HttpServices = Pick<
  Services,
  'pool' | 'feeds' | 'channels' | 'ingests' | 'captions' | 'exhibition' | 'visitors' | 'recordings' | 'recordingHls' | 'hls' | 'reruns' | 'films' | 'agenda' | 'access' | 'event' | 'registrations' | 'eventInfo'
>;

/** How the HTTP layer is set up. */
export interface HttpOptions {
  /** What `/metrics` reports. */
  metrics: MetricsSources;
  logger: Logger;
  /** Directory of the built client, or '' to serve none. */
  clientDir: string;
  /** Registrations accepted from one address per minute. */
  registrationsPerMinute: number;
  /** express's `trust proxy` (TRUST_PROXY): false, a hop count, or addresses and subnets. */
  trustProxy: boolean | number | string;
  /** The cluster's live nodes (`GET /api/cluster`); undefined until the node has registered, right after it listens. */
  cluster: () => Promise<ClusterInfo> | undefined;
  /** Where a viewer watches from (`GET /api/placement`, and the watch pages' own placement in a cluster). */
  placement: (region: string | undefined, failed: readonly string[]) => Promise<Placement>;
  /** Whether the node runs in a cluster (REDIS_URL): watch pages are placed, maybe on another node. */
  clustered: boolean;
  /** Where players fetch HLS from, when not from this node. */
  hls: HlsPlaces;
  /** A bearer token `/metrics` asks for (METRICS_TOKEN); without it the metrics are open. */
  metricsToken?: string;
  /** Where viewers reach the event, for links in files that leave the server (PUBLIC_URL, or the server's own address). */
  publicUrl: () => string;
}

/** The watch pages, which a cluster places on a node (client/src/media/pageMedia.ts WATCH_PAGES). */
const WATCH_PAGE = /^\/(channel|kiosk)\/[^/]+\/?$/;

/** The region a viewer's page declares (`?region=`), if it is one. */
const declaredRegion = (value: unknown): string | undefined => (NodeName.safeParse(value).success ? (value as string) : undefined);

/** The policy `csp` with the cluster's node URLs added to connect-src (HTTP for placement, WebSocket for socket.io). */
export function withConnectSources(csp: string, urls: readonly string[]): string {
  const sources = urls.flatMap((url) => {
    const { protocol, host } = new URL(url);
    return [`${protocol}//${host}`, `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}`];
  });
  return csp.replace("connect-src 'self'", ["connect-src 'self'", ...new Set(sources)].join(' '));
}

/** The express app: health, the REST API and the built client (with client-side routes). */
export function createHttpApp(services: HttpServices, { metrics, clientDir, logger, registrationsPerMinute, trustProxy, cluster, placement, clustered, hls: hlsPlaces, metricsToken, publicUrl }: HttpOptions): Express {
  const { pool, feeds, channels, ingests, captions, exhibition, visitors, recordings, recordingHls, hls, reruns, films, agenda, access, event, registrations, eventInfo } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.use((_req, res, next) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    next();
  });
  app.use(refuseUnsafePaths());
  app.use(express.json({ limit: '64kb' }));

  app.get('/health', (_req, res) => {
    const workers = pool.workers.filter((w) => !w.worker.died && !w.worker.closed).length;
    res.status(workers === pool.workers.length ? 200 : 503).json({ status: workers ? 'ok' : 'down', workers });
  });

  // Prometheus' text format, for the operators' monitoring (no secrets in it, but feed ids and
  // load: METRICS_TOKEN keeps it to the monitoring system).
  const serverMetrics = new ServerMetrics(metrics);
  app.get('/metrics', async (req, res, next) => {
    if (metricsToken && !bearerMatches(req, metricsToken)) {
      res.status(401).setHeader('WWW-Authenticate', 'Bearer realm="metrics"').json({ error: { code: 'UNAUTHORIZED', message: 'the metrics need the bearer token METRICS_TOKEN' } });
      return;
    }
    try {
      res.type(serverMetrics.contentType).send(await serverMetrics.render());
    } catch (error) {
      next(error);
    }
  });

  // On an edge, the origin's (its own feeds and channels are idle).
  app.get('/api/event', async (_req, res) => {
    const body: EventInfo = await eventInfo();
    res.json(body);
  });

  // HLS before the rest of /api and the client's files: /api/hls, /hls/…, /api/recordings/:id/hls, /vod/….
  app.use(hlsRoutes(hls, access, event.viewers, hlsPlaces));
  app.use(recordingHlsRoutes(recordings, recordingHls, captions, access, hlsPlaces));
  app.use('/api', ingestRoutes(ingests, access));
  app.use('/api', captionRoutes(captions, agenda, access, event.viewers));
  app.use('/api', agendaRoutes({ agenda, eventName: event.name, channelName: (id) => channels.nameOf(id), reRuns: () => reruns.list(), publicUrl }));
  app.use('/api', exhibitionRoutes(exhibition, visitors, access, event.viewers));
  app.use('/api', registrationRoutes(registrations, access, event.viewers, registrationsPerMinute));
  app.use('/api', recordingRoutes(recordings, reruns, captions, access, event.viewers));
  app.use('/api', filmRoutes(films, access, event.viewers));
  app.use('/api', clusterRoutes(cluster, access, placement));

  app.use('/api', (_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such API route' } });
  });
  app.use('/api', errorHandler(logger));

  if (clientDir && existsSync(join(clientDir, 'index.html'))) {
    // Built assets carry a content hash in their names: a returning viewer's browser keeps them.
    app.use(
      express.static(clientDir, {
        index: false,
        maxAge: '1h',
        setHeaders: (res, path) => path.includes('/assets/') && res.setHeader('Cache-Control', 'public, max-age=31536000, immutable'),
      }),
    );
    // Client-side routes (/watch/…, /studio/…) all load the app shell; a missing file is a 404, not the shell.
    app.get('/{*path}', (req, res, next) => {
      if (looksLikeFile(req.path)) {
        res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such file' } });
        return;
      }
      // The page carries how viewers get in and the routers' capabilities, so a viewer's page starts
      // its join without asking for them first; in a cluster a watch page also carries where it
      // watches from (its socket and media go there), and may connect to the cluster's nodes only.
      const placed = clustered && WATCH_PAGE.test(req.path) ? placement(declaredRegion(req.query.region), []).catch(() => undefined) : Promise.resolve(undefined);
      placed
        .then((where) => {
          if (where) res.setHeader('Content-Security-Policy', withConnectSources(SECURITY_HEADERS['Content-Security-Policy'], where.nodes));
          return appShell(clientDir, { viewers: event.viewers, rtpCapabilities: pool.workers[0] && forClient(pool.workers[0].router.rtpCapabilities), ...(where && { placement: where }) });
        })
        .then(
        (html) => {
          res.setHeader('Cache-Control', 'no-cache');
          // A path the app has no page for gets the shell too (it shows "page not found" in the
          // visitor's language), with the status that says so.
          res.status(isAppPage(req.path) ? 200 : 404);
          res.type('html').send(html);
        },
        (err: unknown) => next(err),
      );
    });
  }
  // Whatever else fails (a malformed URL outside /api) is answered the same way, never with a stack trace.
  app.use(errorHandler(logger));
  return app;
}

/** One route of the app: an HTTP method and express's path pattern (`/api/stands/:standId`). */
export interface HttpRoute {
  method: string;
  path: string;
}

/** What express keeps of a route or a mounted router (router 2's Layer; not in its types). */
interface RouteLayer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouteLayer[] };
}

/**
 * Every route `app` answers, read from its router (mounted routers included), so a list of routes
 * cannot fall behind the code. The catch-all client pages (`/{*path}`) are left out.
 */
export function routesOf(app: Express): HttpRoute[] {
  const out: HttpRoute[] = [];
  const walk = (stack: RouteLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push({ method: method.toUpperCase(), path: prefix + layer.route.path });
      } else if (layer.handle?.stack && typeof layer.rawPath === 'string') {
        walk(layer.handle.stack, prefix + (layer.rawPath === '/' ? '' : layer.rawPath));
      }
    }
  };
  walk((app as unknown as { router: { stack: RouteLayer[] } }).router.stack, '');
  return out.filter((r) => r.path !== '/{*path}');
}
