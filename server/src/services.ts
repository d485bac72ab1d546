import { createServer, type IncomingMessage, type RequestListener, type Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import type { Config } from './config';
import type { Logger } from './logger';
import { AccessTokens } from './access/AccessTokens';
import { RevocationList } from './access/RevocationList';
import { Agenda } from './agenda/Agenda';
import { demoAgenda, demoStart } from './agenda/demoAgenda';
import { CaptionPipeline } from './captions/CaptionPipeline';
import { CaptionStore } from './captions/CaptionStore';
import { machineTranslators } from './captions/translation/machineTranslators';
import { StartupError } from './errors';
import { DiskSpace } from './files/DiskSpace';
import { makePrivate, privateDir, sweepLeftovers } from './files/privateFiles';
import { FilmLibrary } from './cinema/FilmLibrary';
import { HlsRegistry } from './hls/HlsRegistry';
import { PocketsphinxEngine, POCKETSPHINX_MODEL } from './captions/speech/PocketsphinxEngine';
import { SpeechDrafts } from './captions/speech/SpeechDrafts';
import { RecordingPackager } from './hls/RecordingPackager';
import { Exhibition } from './exhibition/Exhibition';
import { VisitorGate } from './exhibition/VisitorGate';
import { clientAddressResolver } from './http/clientAddress';
import { IngestRegistry } from './ingest/IngestRegistry';
import { IngestStore } from './ingest/IngestStore';
import { OriginLease } from './cluster/OriginLease';
import { RedisBus } from './cluster/RedisBus';
import { liveNodeIds } from './cluster/NodeRegistry';
import { serveAsEdge, serveAsOrigin, type EdgeRole } from './cluster/nodeRoles';
import { relayAddress } from './cluster/ProgramRelay';
import type { EventInfo } from '@hybrid-stage/shared';
import type { DisposalStack } from './lifecycle/DisposalStack';
import { TurnCredentials } from './media/TurnCredentials';
import { ViewerSeats } from './media/ViewerSeats';
import { WorkerPool } from './media/WorkerPool';
import { Database, storageTarget } from './persistence/Database';
import { ChannelHistoryStore } from './program/ChannelHistoryStore';
import { ChannelRegistry } from './program/ChannelRegistry';
import { RecordingRegistry } from './recording/RecordingRegistry';
import { RecordingStore } from './recording/RecordingStore';
import { RegistrationStore } from './registration/RegistrationStore';
import { ReRunScheduler } from './reruns/ReRunScheduler';
import { ReRunStore } from './reruns/ReRunStore';
import { AddressLoad } from './signaling/AddressLoad';
import { ClientSessionKeeper } from './signaling/ClientSessionKeeper';
import type { EventSummary } from './signaling/feedHandlers';
import { createSignalingIo, type ClientSocket, type SignalingIo } from './signaling/SignalingServer';
import { FeedRegistry } from './studios/FeedRegistry';
import { loadEventConfig } from './studios/eventConfig';
import { TestPatterns } from './studios/TestPatterns';

/** Everything the server is made of: the one list the HTTP API, the signaling layer and tests read. */
export interface Services {
  readonly pool: WorkerPool;
  readonly feeds: FeedRegistry;
  readonly channels: ChannelRegistry;
  readonly ingests: IngestRegistry;
  readonly captions: CaptionPipeline;
  /** The virtual exhibition's stands, comments, gifts and visits. */
  readonly exhibition: Exhibition;
  /** Issues and checks exhibition visitor ids, and limits what each address and visitor writes. */
  readonly visitors: VisitorGate;
  /** The client's address behind the proxies TRUST_PROXY names (for a socket's handshake; express has req.ip). */
  readonly clientAddress: (req: IncomingMessage) => string;
  /** Sockets and consumers each client address holds, within SOCKETS_PER_ADDRESS and CONSUMERS_PER_ADDRESS. */
  readonly addressLoad: AddressLoad;
  readonly recordings: RecordingRegistry;
  /** Finished recordings as HLS, packaged on demand. */
  readonly recordingHls: RecordingPackager;
  /** The channels as HLS (packagers, subtitle tracks). */
  readonly hls: HlsRegistry;
  /** The viewers this node carries over WebRTC (MAX_WEBRTC_VIEWERS); the others play HLS. */
  readonly webRtcViewers: ViewerSeats;
  readonly reruns: ReRunScheduler;
  readonly films: FilmLibrary;
  readonly agenda: Agenda;
  /** Mints and checks the access tokens in invite links. */
  readonly access: AccessTokens;
  /** Links and roles the admin revoked, stored; `access` refuses their tokens. */
  readonly revocations: RevocationList;
  /** Viewers who registered (when the event asks them to). */
  readonly registrations: RegistrationStore;
  /** Every client's session, kept across short drops of its connection. */
  readonly sessions: ClientSessionKeeper<ClientSocket>;
  /** The event as clients are told it, with its re-runs as they are when asked. */
  readonly event: EventSummary;
  /** Mints the TURN credentials handed out with every WebRTC transport; undefined without TURN. */
  readonly turn: TurnCredentials | undefined;
  /** The event with its live parts (studios, feeds, channels): this node's own, or on an edge the origin's. */
  eventInfo(): Promise<EventInfo>;
  /** On an edge (NODE_ROLE=edge): the programs it pipes from the origin for its viewers; undefined on an origin or a single node. */
  readonly edge: EdgeRole | undefined;
  /** On an origin in a cluster: its lease as the active origin (it must stop if it loses it); undefined elsewhere. */
  readonly originLease: OriginLease | undefined;
}

/** The HTTP server and socket.io on it, built before what they serve and listening only once all is built. */
export interface FrontDoor {
  readonly httpServer: HttpServer;
  readonly io: SignalingIo;
  /** Answers HTTP requests (other than socket.io's) with `app`, once it is built. */
  serve(app: RequestListener): void;
  /** The cluster's Redis, when REDIS_URL is set (socket.io's adapter runs on it, the node registers there). */
  readonly bus: RedisBus | undefined;
}

/**
 * Builds every service, in an order whose reverse is the stop order: each pushes its closer on
 * `stack` as soon as it is built, so a stop and a start that fails half-way unwind the same way.
 * Last out: re-runs, then recordings (each ffmpeg finishes its file while the program still flows),
 * the clients' sessions (their transports and feeds), the buses, ingests, test patterns and feeds,
 * then the front door, the exhibition, the workers (which close their WebRTC servers and routers
 * last), the Redis connection (cluster only) and the database.
 */
export async function buildServices(config: Config, logger: Logger, stack: DisposalStack): Promise<{ services: Services; front: FrontDoor }> {
  // Private: the database holds registrations, recordings show people (see files/privateFiles).
  privateDir(config.DATA_DIR);
  const setup = loadEventConfig(config.EVENT_FILE || undefined);
  const agenda = new Agenda(setup.sessions ?? (config.EVENT_FILE ? [] : demoAgenda(demoStart())));

  const storage = storageTarget(config);
  const db = await Database.open(storage, logger.child({ component: 'database' }));
  // SQLite creates its journal files with the database's mode, so these stay private once it is.
  if (storage.engine === 'sqlite') makePrivate(storage.file, `${storage.file}-wal`, `${storage.file}-shm`);
  // Who tidies and runs what the database holds at start (visits left open, recordings left
  // unfinished, re-runs to arm): the one node on SQLite; on a PostgreSQL shared by a cluster, the
  // origin, since an edge would take the origin's live recordings and re-runs for a crash's leftovers.
  const ownsEventState = storage.engine === 'sqlite' || config.NODE_ROLE === 'origin';
  stack.push('database', () => db.close());

  // Early, so an unreachable Redis stops the start before the workers do; closed after socket.io
  // (whose adapter reads through it) and before the database.
  let bus: RedisBus | undefined;
  if (config.REDIS_URL) {
    const redisBus = await RedisBus.start(config.REDIS_URL, logger.child({ component: 'redis' }));
    bus = redisBus;
    stack.push('redis', () => redisBus.close());
  }
  // An origin in a cluster does the origin's work only while it holds the lease: a second origin
  // (the standby) waits here until the active one is gone. Given back last on a stop, once this
  // node's buses, recordings and pipes are closed, so the standby never runs beside it.
  let originLease: OriginLease | undefined;
  if (bus && config.NODE_ROLE === 'origin') {
    const lease = await OriginLease.acquire(bus.redis, config.NODE_ID, logger.child({ component: 'origin' }));
    originLease = lease;
    stack.push('origin lease', () => lease.close());
  }

  const pool = new WorkerPool({
    workers: config.WORKERS,
    rtcPort: config.RTC_PORT,
    listenIp: config.RTC_LISTEN_IP,
    announcedIp: config.ANNOUNCED_IP,
    portRange: config.MEDIA_PORT_RANGE,
    maxClientsPerWorker: config.VIEWERS_PER_WORKER,
    logger: logger.child({ component: 'workers' }),
  });
  stack.push('media workers', () => pool.close());
  await pool.start();

  const exhibition = await Exhibition.start(db, ownsEventState);
  stack.push('exhibition', () => exhibition.close());
  if (!config.EVENT_FILE && (await exhibition.seedDemoIfEmpty())) logger.info('seeded the demo exhibition');

  // Built before the media it serves, so it closes after it: clients keep their connection while the
  // media drains. It listens only once everything is built (see startServer).
  // socket.io takes over the server's request listener, passing on what is not its own: that
  // listener is there from the start, and hands requests to the app once the app is built.
  let app: RequestListener | undefined;
  const httpServer = createServer((req, res) => (app ? app(req, res) : void res.writeHead(503).end()));
  const io = createSignalingIo(httpServer, bus?.adapter());
  stack.push('signaling and HTTP', async () => {
    const closed = io.close();
    // Once the server stops listening, the HTTP connections left are cut: keep-alive ones, and
    // the spare ones browsers open and never send on, which would hold the close for a minute.
    while (httpServer.listening) await new Promise((resolve) => setImmediate(resolve));
    httpServer.closeAllConnections();
    await closed;
  });

  const translators = machineTranslators(config, privateTempDir(config.DATA_DIR, logger));
  const captions = new CaptionPipeline({
    store: new CaptionStore(db),
    agenda,
    channelIds: new Set(setup.channels.map((c) => c.id)),
    translators,
    review: config.MT_REVIEW,
    ingestPerMinute: config.CAPTION_INGEST_PER_MINUTE,
    speechChannels: new Set(config.NODE_ROLE === 'edge' ? [] : config.ASR_CHANNELS),
    logger: logger.child({ component: 'captions' }),
  });
  // After the machine translation below stops: the translations under way end before the database closes.
  stack.push('captions', () => captions.close());
  // Closed after the captions' sources (desks, ingest, re-runs), which close before it.
  stack.push('machine translation', () => Promise.all([...new Set(translators.values())].map((t) => t.close?.())).then(() => undefined));

  const feeds = new FeedRegistry(setup.studios);
  stack.push('feeds', () => feeds.close());

  // An edge makes no program of its own: it serves the origin's.
  if (config.TEST_PATTERNS && config.NODE_ROLE !== 'edge') {
    const patterns = await TestPatterns.start({ feeds, pool, size: config.TEST_PATTERN_SIZE, logger: logger.child({ component: 'test-pattern' }) });
    stack.push('test patterns', () => patterns.close());
  }

  const ingests = new IngestRegistry({
    feeds,
    pool,
    listenIp: config.RTC_LISTEN_IP,
    announcedIp: config.ANNOUNCED_IP,
    srtPortRange: config.SRT_PORT_RANGE,
    store: ownsEventState ? new IngestStore(db, logger.child({ component: 'ingest' })) : undefined,
    logger: logger.child({ component: 'ingest' }),
  });
  stack.push('ingests', () => ingests.close());

  // The cut logs carry on from the last server that ran the event (a restart, a standby taking over).
  const history = ownsEventState ? new ChannelHistoryStore(db, logger.child({ component: 'program' })) : undefined;
  const channels = await ChannelRegistry.start({ channels: setup.channels, feeds, pool, history: await history?.load(), logger: logger.child({ component: 'program' }) });
  stack.push('channels', () => channels.close());
  if (history) {
    channels.on('changed', (state) => history.save(state.id, state));
    stack.push('cut logs', () => history.flush());
  }
  // The demo starts with each channel on a studio's test pattern, so viewers see a picture at once.
  for (const channel of setup.channels) {
    const patternOf = (studioId: string | undefined) => feeds.feeds.find((f) => f.studioId === studioId && f.source === 'test-pattern');
    const program = patternOf(channel.startsOn);
    const backup = patternOf(channel.backup);
    if (program) await channels.take(channel.id, program.id, 'automatic');
    if (backup) channels.setBackup(channel.id, backup.id);
  }
  // The encoders' ingests of the server before this one (a restart, a standby taking over), where
  // the encoders keep sending.
  await ingests.restore();

  const sessions = new ClientSessionKeeper<ClientSocket>(config.CLIENT_GRACE_MS);
  stack.push('client sessions', () => sessions.close());

  const access = AccessTokens.fromConfig(config);
  const revocations = await RevocationList.start(db);
  access.useRevocations(revocations);

  // Speech recognition drafts of the configured channels' floor audio (none by default); an edge
  // listens to none (its buses carry nothing of their own).
  if (config.ASR_CHANNELS.length > 0 && config.NODE_ROLE !== 'edge') {
    const unknown = config.ASR_CHANNELS.filter((id) => !setup.channels.some((c) => c.id === id));
    if (unknown.length > 0) throw new StartupError(`ASR_CHANNELS: no channel ${unknown.join(', ')} at this event`);
    if (!PocketsphinxEngine.installed) throw new StartupError(`ASR_CHANNELS: speech recognition needs Debian's pocketsphinx-en-us (${POCKETSPHINX_MODEL})`);
    const speech = new SpeechDrafts({
      channels,
      captions,
      engine: new PocketsphinxEngine(),
      channelIds: config.ASR_CHANNELS,
      review: config.ASR_REVIEW,
      dir: privateDir(join(config.DATA_DIR, 'speech')),
      logger: logger.child({ component: 'speech' }),
    });
    stack.push('speech recognition', () => speech.close());
  }

  // HLS for the audience past WebRTC's reach: the configured channels now, others when pulled. An
  // edge packages none all the time: its own buses carry nothing (it serves the origin's program).
  const hls = await HlsRegistry.start({
    channels,
    captions,
    dir: join(config.DATA_DIR, 'hls'),
    alwaysOn: config.NODE_ROLE === 'edge' ? [] : (config.HLS_CHANNELS ?? setup.channels.filter((c) => c.kind === 'main').map((c) => c.id)),
    logger: logger.child({ component: 'hls' }),
  });
  stack.push('hls', () => hls.close());

  // Recordings over HLS, packaged when a producer first asks (DATA_DIR/recording-hls).
  const recordingHls = new RecordingPackager({
    dir: join(config.DATA_DIR, 'recording-hls'),
    disk: new DiskSpace(privateDir(join(config.DATA_DIR, 'recording-hls')), config.DISK_FLOOR_MB * 1024 * 1024),
    logger: logger.child({ component: 'recording-hls' }),
  });
  stack.push('recordings over HLS', () => recordingHls.close());

  const recordings = new RecordingRegistry({
    store: new RecordingStore(db),
    packager: recordingHls,
    channels,
    agenda,
    dir: join(config.DATA_DIR, 'recordings'),
    // An edge's own buses are idle (it serves the origin's program): recording their sessions would
    // write empty files, and rows in a shared database beside the origin's.
    recordSessions: config.RECORD_SESSIONS && config.NODE_ROLE !== 'edge',
    disk: new DiskSpace(privateDir(join(config.DATA_DIR, 'recordings')), config.DISK_FLOOR_MB * 1024 * 1024),
    // The node whose files they are prunes them (on a shared PostgreSQL, the origin).
    retentionDays: ownsEventState ? config.RECORDING_RETENTION_DAYS : 0,
    deleteForRetention: (recordingId): Promise<void> => reruns.deleteRecording(recordingId),
    logger: logger.child({ component: 'recording' }),
  });
  stack.push('recordings', () => recordings.close());
  if (ownsEventState) await recordings.recover();

  const reruns = new ReRunScheduler({
    store: new ReRunStore(db),
    recordings,
    agenda,
    channels,
    feeds,
    captions,
    pool,
    logger: logger.child({ component: 'reruns' }),
  });
  stack.push('re-runs', () => reruns.close());
  await reruns.start(ownsEventState);
  await recordings.pruneOld();

  const films = new FilmLibrary({
    dir: join(config.DATA_DIR, 'films'),
    maxVideoBytes: config.FILM_MAX_MB * 1_000_000,
    disk: new DiskSpace(privateDir(join(config.DATA_DIR, 'films')), config.DISK_FLOOR_MB * 1024 * 1024),
    logger: logger.child({ component: 'cinema' }),
  });
  const event: EventSummary = {
    name: setup.name,
    timeZone: setup.timeZone,
    viewers: setup.viewers,
    sessions: [...agenda.sessions],
    get reruns() {
      return reruns.list();
    },
  };
  // The node's part in a cluster: the origin answers edges (programs piped to them, the event's
  // state); an edge serves its viewers from those pipes. Built last, so it closes first.
  const listen = { ip: config.RTC_LISTEN_IP, announcedIp: bus ? await relayAddress(config) : config.ANNOUNCED_IP };
  const ownEventInfo = async (): Promise<EventInfo> => ({ ...event, studios: feeds.studios, feeds: feeds.list(), channels: channels.list() });
  let edge: EdgeRole | undefined;
  if (bus && config.NODE_ROLE === 'edge') {
    const role = serveAsEdge({ io, pool, nodeId: config.NODE_ID, listen, graceMs: config.EDGE_RELAY_GRACE_MS, logger: logger.child({ component: 'edge' }) });
    edge = role;
    stack.push('edge programs', () => role.close());
  } else if (bus) {
    const registry = bus;
    const stop = serveAsOrigin({
      nodeId: config.NODE_ID,
      io,
      channels,
      eventInfo: ownEventInfo,
      listen,
      liveNodes: () => liveNodeIds(registry.redis),
      logger: logger.child({ component: 'origin' }),
    });
    stack.push('origin relays', stop);
    // Another node holds the lease now: answer edges no more while this node stops.
    originLease?.onLost(stop);
  }

  const services: Services = {
    pool, feeds, channels, ingests, captions, exhibition, recordings, recordingHls, hls, reruns, films, agenda, access, revocations, sessions, event,
    registrations: new RegistrationStore(db),
    turn: TurnCredentials.fromConfig(config),
    eventInfo: edge ? () => edge.eventInfo() : ownEventInfo,
    edge,
    originLease,
    visitors: new VisitorGate(access, {
      visitorIds: config.VISITOR_IDS_PER_MINUTE,
      comments: config.COMMENTS_PER_MINUTE,
      gifts: config.GIFT_CLAIMS_PER_MINUTE,
      visits: config.STAND_VISITS_PER_MINUTE,
    }),
    clientAddress: clientAddressResolver(config.TRUST_PROXY),
    addressLoad: new AddressLoad({ sockets: config.SOCKETS_PER_ADDRESS, consumers: config.CONSUMERS_PER_ADDRESS }),
    webRtcViewers: new ViewerSeats(config.MAX_WEBRTC_VIEWERS),
  };
  return { services, front: { httpServer, io, bus, serve: (built) => void (app = built) } };
}

/**
 * DATA_DIR/tmp: temporary files with caption text (Apertium's input), private to the server rather
 * than in the shared /tmp, and emptied at startup of what a crash left there.
 */
function privateTempDir(dataDir: string, logger: Logger): string {
  const dir = privateDir(join(dataDir, 'tmp'));
  sweepLeftovers(dir, () => true, logger);
  return dir;
}
