import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClosingReason } from '@hybrid-stage/shared';
import type { Config } from './config';
import { AppError, StartupError } from './errors';
import { createLogger, type Logger } from './logger';
import { createHttpApp, routesOf, type HttpRoute } from './http/httpApp';
import { attachSignaling } from './signaling/SignalingServer';
import { makeDemoFilms } from './cinema/demoFilms';
import { DisposalStack } from './lifecycle/DisposalStack';
import { NodeDirectory, nodeIdentity } from './cluster/NodeDirectory';
import { nodeLoadMeter } from './cluster/nodeLoad';
import { buildServices, type Services } from './services';

/** A running Hybrid Stage server: its services, where it listens, and how it stops. */
export interface RunningServer extends Services {
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  readonly httpServer: HttpServer;
  /** Every HTTP route the app answers (method and path pattern), read from express itself: what the bad-input suite walks. */
  readonly routes: readonly HttpRoute[];
  /**
   * Drains and stops: tells every client why (default `shutdown`), finishes running recordings,
   * closes the clients' transports and every feed and bus before the workers and their WebRTC
   * servers, and checkpoints the database.
   */
  close(reason?: ClosingReason): Promise<void>;
}

/**
 * Starts the whole product on one machine: builds the services (see {@link buildServices}), wires
 * HTTP and signaling to them and listens. A step that fails closes, in reverse, everything built
 * before it, and the error is thrown.
 */
export async function startServer(config: Config, logger: Logger = createLogger(config.LOG_LEVEL)): Promise<RunningServer> {
  const startedAt = new Date();
  const stack = new DisposalStack();
  let reason: ClosingReason = 'shutdown';
  const unwind = () =>
    stack.dispose(
      (err, what) => logger.error({ err, what }, 'error while closing'),
      // A part that takes half a second or more is worth a line: it is what a slow stop waits on.
      (what, ms) => (ms >= 500 ? logger.info({ what, ms }, 'closed') : logger.debug({ what, ms }, 'closed')),
    );
  try {
    const { services, front } = await buildServices(config, logger, stack);
    /**
     * Where browsers reach this server, known once it listens (PUBLIC_URL, else http://ANNOUNCED_IP:PORT):
     * in calendar links and in the node registry alike.
     */
    let publicUrl = '';
    const { httpServer, io } = front;
    let nodes: NodeDirectory | undefined;
    const app = createHttpApp(services, {
        metrics: {
          pool: services.pool,
          feeds: services.feeds,
          channels: services.channels,
          storedCues: () => services.captions.storedCues(),
          sockets: () => io.engine.clientsCount,
          heldSessions: () => services.sessions.held,
          hlsSegmentsServed: () => services.hls.segmentsServed,
        },
        clientDir: config.CLIENT_DIR,
        registrationsPerMinute: config.REGISTRATIONS_PER_MINUTE,
        trustProxy: config.TRUST_PROXY,
        cluster: () => nodes?.info(),
        placement: (region, failed) => {
          if (!nodes) throw new AppError('INVALID_STATE', 'the node is still starting');
          return nodes.place(region, failed);
        },
        clustered: !!front.bus,
        hls: {
          origin: config.NODE_ROLE === 'edge' ? () => nodes?.originUrl() ?? Promise.resolve(undefined) : undefined,
          publicUrl: config.HLS_PUBLIC_URL,
        },
        metricsToken: config.METRICS_TOKEN,
        publicUrl: () => publicUrl,
        logger: logger.child({ component: 'http' }),
      });
    front.serve(app);
    const demoFilms = new AbortController();
    stack.push('demo films', () => demoFilms.abort());
    const signaling = attachSignaling(io, services, logger.child({ component: 'signaling' }), {
      full: () => nodes?.full ?? false,
      clusterOrigins: front.bus ? () => nodes?.urls() ?? Promise.resolve([]) : undefined,
      silentPeerMs: config.SILENT_PEER_SECONDS * 1000,
    });
    // First thing on a stop: every client hears why.
    stack.push('closing notice', () => signaling.announceClosing(reason));

    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.PORT, config.HOST, resolve);
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') throw new StartupError(`HTTP port ${config.PORT} on ${config.HOST} is already in use: stop the other process or set PORT`);
      throw error;
    });
    if (config.DEMO_FILMS) {
      makeDemoFilms(services.films.dir, logger.child({ component: 'cinema' }), demoFilms.signal).catch((err) => {
        if (!demoFilms.signal.aborted) logger.error({ err }, 'cannot make the demo films');
      });
    }
    const { port } = httpServer.address() as AddressInfo;
    // Registered once it serves, under the port it got; first out on a stop, so it drops out of
    // the registry at once while it drains.
    const self = nodeIdentity(config, port, startedAt);
    publicUrl = self.url;
    const directory = await NodeDirectory.start({
      bus: front.bus,
      self,
      load: nodeLoadMeter(services.pool, () => io.engine.clientsCount),
      threshold: config.PLACEMENT_CPU_THRESHOLD,
      logger: logger.child({ component: 'cluster' }),
    });
    nodes = directory;
    stack.push('node registry', () => directory.close());
    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
    return {
      ...services,
      url: `http://${host}:${port}`,
      httpServer,
      routes: routesOf(app),
      close: async (why = 'shutdown') => {
        reason = why;
        await unwind();
      },
    };
  } catch (error) {
    await unwind().catch(() => undefined); // each failure is logged; the start's own error is the one to throw
    throw error;
  }
}
