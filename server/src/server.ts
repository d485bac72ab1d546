import { createServer, type Server as HttpServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { ClosingReason } from '@hybrid-stage/shared';
import type { Config } from './config';
import { StartupError } from './errors';
import { createLogger, type Logger } from './logger';
import { AccessTokens } from './access/AccessTokens';
import { WorkerPool } from './media/WorkerPool';
import { ChannelRegistry } from './program/ChannelRegistry';
import { IngestRegistry } from './ingest/IngestRegistry';
import { createHttpApp } from './http/httpApp';
import type { MetricsSources } from './http/metrics';
import { attachSignaling } from './signaling/SignalingServer';
import { loadEventConfig } from './studios/eventConfig';
import { join } from 'node:path';
import { Agenda } from './agenda/Agenda';
import { demoAgenda, demoStart } from './agenda/demoAgenda';
import { CaptionPipeline } from './captions/CaptionPipeline';
import { CaptionStore } from './captions/CaptionStore';
import { machineTranslators } from './captions/translation/machineTranslators';
import { closeDatabase, openDatabase } from './persistence/Database';
import { FeedRegistry } from './studios/FeedRegistry';
import { TestPattern } from './studios/TestPattern';
import { Exhibition } from './exhibition/Exhibition';
import { RecordingRegistry } from './recording/RecordingRegistry';
import { RecordingStore } from './recording/RecordingStore';
import { ReRunScheduler } from './reruns/ReRunScheduler';
import { ReRunStore } from './reruns/ReRunStore';
import { FilmLibrary } from './cinema/FilmLibrary';
import { makeDemoFilms } from './cinema/demoFilms';
import { RegistrationStore } from './registration/RegistrationStore';

/** A running Hybrid Stage server. */
export interface RunningServer {
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  readonly httpServer: HttpServer;
  readonly pool: WorkerPool;
  readonly feeds: FeedRegistry;
  readonly channels: ChannelRegistry;
  readonly ingests: IngestRegistry;
  readonly recordings: RecordingRegistry;
  readonly reruns: ReRunScheduler;
  readonly films: FilmLibrary;
  /** Mints and checks the access tokens in invite links. */
  readonly access: AccessTokens;
  /** The virtual exhibition's stands, comments, gifts and visits. */
  readonly exhibition: Exhibition;
  /**
   * Drains and stops: tells every client why (default `shutdown`), finishes running recordings,
   * closes the clients' transports and every feed and bus before the workers and their WebRTC
   * servers, and checkpoints the database.
   */
  close(reason?: ClosingReason): Promise<void>;
}

/** Starts the whole product on one machine: workers, test patterns, HTTP and signaling. */
export async function startServer(config: Config, logger: Logger = createLogger(config.LOG_LEVEL)): Promise<RunningServer> {
  mkdirSync(config.DATA_DIR, { recursive: true });
  const setup = loadEventConfig(config.EVENT_FILE || undefined);
  const agenda = new Agenda(setup.sessions ?? (config.EVENT_FILE ? [] : demoAgenda(demoStart())));
  const db = openDatabase(join(config.DATA_DIR, 'hybrid-stage.db'), logger.child({ component: 'database' }));
  const captionStore = new CaptionStore(db);
  const captions = new CaptionPipeline({
    store: captionStore,
    agenda,
    channelIds: new Set(setup.channels.map((c) => c.id)),
    translators: machineTranslators(config),
    review: config.MT_REVIEW,
    logger: logger.child({ component: 'captions' }),
  });
  const exhibition = new Exhibition(db);
  if (!config.EVENT_FILE && exhibition.seedDemoIfEmpty()) logger.info('seeded the demo exhibition');
  const pool = new WorkerPool({
    workers: config.WORKERS,
    rtcPort: config.RTC_PORT,
    listenIp: config.RTC_LISTEN_IP,
    announcedIp: config.ANNOUNCED_IP,
    portRange: config.MEDIA_PORT_RANGE,
    logger: logger.child({ component: 'workers' }),
  });
  await pool.start();
  const feeds = new FeedRegistry(setup.studios);

  const patterns = new Set<TestPattern>();
  const startPatterns = async () => {
    if (!config.TEST_PATTERNS) return;
    for (const studio of feeds.studios) {
      const feed = feeds.open(studio.id, `${studio.name} test pattern`, 'test-pattern');
      const pattern = await TestPattern.start({
        studio,
        feed,
        router: pool.ingest.router,
        size: config.TEST_PATTERN_SIZE,
        logger: logger.child({ component: 'test-pattern' }),
      });
      patterns.add(pattern);
      feed.once('close', () => patterns.delete(pattern));
    }
  };
  await startPatterns();

  const channels = await ChannelRegistry.start({
    channels: setup.channels,
    feeds,
    pool,
    router: pool.ingest.router,
    logger: logger.child({ component: 'program' }),
  });
  // The demo starts with each channel on a studio's test pattern, so viewers see a picture at once.
  for (const channel of setup.channels) {
    const patternOf = (studioId: string | undefined) => feeds.feeds.find((f) => f.studioId === studioId && f.source === 'test-pattern');
    const program = patternOf(channel.startsOn);
    const backup = patternOf(channel.backup);
    if (program) await channels.take(channel.id, program.id, 'automatic');
    if (backup) channels.setBackup(channel.id, backup.id);
  }
  const access = AccessTokens.inDataDir(config.DATA_DIR);
  const recordings = new RecordingRegistry({
    store: new RecordingStore(db),
    channels,
    agenda,
    dir: join(config.DATA_DIR, 'recordings'),
    recordSessions: config.RECORD_SESSIONS,
    logger: logger.child({ component: 'recording' }),
  });
  await recordings.recover();
  const reruns = new ReRunScheduler({
    store: new ReRunStore(db),
    recordings,
    agenda,
    channels,
    feeds,
    captions,
    router: () => pool.ingest.router,
    logger: logger.child({ component: 'reruns' }),
  });
  reruns.start();
  const films = new FilmLibrary({ dir: join(config.DATA_DIR, 'films'), maxVideoBytes: config.FILM_MAX_MB * 1_000_000, logger: logger.child({ component: 'cinema' }) });
  const demoFilms = new AbortController();
  // The agenda with its re-runs as they are when asked.
  const event = {
    name: setup.name,
    timeZone: setup.timeZone,
    viewers: setup.viewers,
    sessions: [...agenda.sessions],
    get reruns() {
      return reruns.list();
    },
  };
  const ingests = new IngestRegistry({
    feeds,
    router: () => pool.ingest.router,
    listenIp: config.RTC_LISTEN_IP,
    announcedIp: config.ANNOUNCED_IP,
    srtPortRange: config.SRT_PORT_RANGE,
    logger: logger.child({ component: 'ingest' }),
  });
  // The buses, ingests and patterns lived on the ingest worker: when it is replaced, the ingests
  // open again on the same ports (first, so nothing else takes them), the buses are rebuilt on the
  // new one, the patterns start again, and each channel gets back what it had on air.
  pool.on('replaced', (worker) => {
    if (worker.index !== pool.ingest.index) return;
    (async () => {
      await ingests.moveTo(worker.router);
      await channels.moveTo(worker.router);
      await startPatterns();
      await channels.restoreOnAir();
      logger.info('channels restored on the replaced media worker');
    })().catch((err) => logger.error({ err }, 'cannot restore the channels on the replaced media worker'));
  });

  const metrics: MetricsSources = { pool, feeds, channels, storedCues: () => captionStore.count(), sockets: () => signaling.io.engine.clientsCount, heldSessions: () => signaling.sessions.held };
  const app = createHttpApp({ pool, feeds, channels, ingests, captions, exhibition, recordings, reruns, films, agenda, access, event, metrics, clientDir: config.CLIENT_DIR,
    registrations: new RegistrationStore(db), registrationsPerMinute: config.REGISTRATIONS_PER_MINUTE, trustProxy: config.TRUST_PROXY, logger: logger.child({ component: 'http' }) });
  const httpServer = createServer(app);
  const signaling = attachSignaling(httpServer, {
    pool, feeds, channels, ingests, captions, exhibition, recordings, reruns, access, event,
    clientGraceMs: config.CLIENT_GRACE_MS,
    logger: logger.child({ component: 'signaling' }),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.PORT, config.HOST, resolve);
    });
  } catch (error) {
    reruns.close();
    await recordings.close();
    channels.close();
    ingests.close();
    for (const p of patterns) p.close();
    feeds.close();
    await signaling.close();
    exhibition.close();
    pool.close();
    closeDatabase(db);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StartupError(`HTTP port ${config.PORT} on ${config.HOST} is already in use: stop the other process or set PORT`);
    }
    throw error;
  }
  if (config.DEMO_FILMS) {
    makeDemoFilms(films.dir, logger.child({ component: 'cinema' }), demoFilms.signal).catch((err) => {
      if (!demoFilms.signal.aborted) logger.error({ err }, 'cannot make the demo films');
    });
  }
  const { port } = httpServer.address() as AddressInfo;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    httpServer,
    pool,
    feeds,
    channels,
    ingests,
    recordings,
    reruns,
    films,
    access,
    exhibition,
    close: (reason = 'shutdown') =>
      (closing ??= (async () => {
        signaling.announceClosing(reason);
        demoFilms.abort();
        reruns.close();
        // Each running recording's ffmpeg finishes its file while the program still flows.
        await recordings.close();
        // Media from the outside in: the clients' transports, then feeds and buses, then the
        // workers (which close their WebRTC servers and routers last).
        signaling.closeSessions();
        channels.close();
        ingests.close();
        for (const p of patterns) p.close();
        feeds.close();
        const closed = signaling.close();
        // Once the server stops listening, the HTTP connections left are cut: keep-alive ones, and
        // the spare ones browsers open and never send on, which would hold the close for a minute.
        while (httpServer.listening) await new Promise((resolve) => setImmediate(resolve));
        httpServer.closeAllConnections();
        await closed;
        exhibition.close();
        pool.close();
        closeDatabase(db);
      })()),
  };
}
