/**
 * Configuration: environment variables parsed once by a zod schema over documented defaults.
 * `.env.example` lists every variable; a wrong value stops startup with a message naming it.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism, hostname, networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { Language, NodeName, NodeRole } from '@hybrid-stage/shared';
import { StartupError } from './errors';

const port = z.coerce.number().int().min(0).max(65535);
const portRange = (fallback: [number, number]) =>
  z
    .string()
    .regex(/^\d+-\d+$/, 'expected "min-max"')
    .transform((v) => v.split('-').map(Number) as [number, number])
    .refine(([min, max]) => min >= 1024 && max <= 65535 && min < max, 'expected 1024 <= min < max <= 65535')
    .default(fallback);
const languageList = z
  .string()
  .transform((v) => v.split(',').map((l) => l.trim()).filter((l) => l && l !== 'none'))
  .pipe(z.array(Language.exclude(['en'])));
/** A TURN server URL as RTCIceServer takes it (RFC 7065): host or [IPv6], optional port and transport. */
const TURN_URL = /^turns?:(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:\?transport=(?:udp|tcp))?$/;
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const ConfigSchema = z.object({
  /** HTTP port for the web app, the REST API and socket.io. */
  PORT: port.default(3000),
  /** Address the HTTP server listens on. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** First UDP+TCP port of the WebRTC servers; worker i listens on RTC_PORT + i. */
  RTC_PORT: port.min(1).default(40000),
  /** Address the WebRTC servers listen on. */
  RTC_LISTEN_IP: z.ipv4().or(z.ipv6()).default('0.0.0.0'),
  /** Address announced to browsers in ICE candidates; defaults to this machine's first LAN IPv4. */
  ANNOUNCED_IP: z.ipv4().or(z.ipv6()).optional(),
  /** UDP ports of mediasoup's RTP endpoints (RTP ingest from encoders, test patterns, pipes), as "min-max". */
  MEDIA_PORT_RANGE: portRange([41000, 41999]),
  /** UDP ports where SRT ingests listen for encoders, as "min-max". */
  SRT_PORT_RANGE: portRange([42000, 42099]),
  /** Where the database, recordings and uploads are kept. */
  DATA_DIR: z.string().min(1).default('./data'),
  /**
   * A PostgreSQL server to keep stands, comments, gifts, registrations, captions, recordings' index
   * and re-runs in (postgres://user:password@host:port/database), shared by a cluster's nodes;
   * unset keeps them in the SQLite file DATA_DIR/hybrid-stage.db.
   */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'expected postgres://user:password@host:port/database' }).optional(),
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Number of mediasoup workers (one per core by default). */
  WORKERS: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
  /** Whether every studio publishes its built-in test-pattern feed at startup. */
  TEST_PATTERNS: flag.default(true),
  /** Test-pattern picture size as WIDTHxHEIGHT. */
  TEST_PATTERN_SIZE: z
    .string()
    .regex(/^\d{2,4}x\d{2,4}$/, 'expected WIDTHxHEIGHT, e.g. 1280x720')
    .default('640x360'),
  /** Caption languages machine-translated from English by Debian's Apertium, comma-separated, or "none". */
  MT_APERTIUM_LANGUAGES: languageList.default(['es', 'pt', 'it', 'fr']),
  /** Base URL of a LibreTranslate-compatible API ("" for none). */
  LIBRETRANSLATE_URL: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).default(''),
  /** Its API key, if it wants one. */
  LIBRETRANSLATE_API_KEY: z.string().default(''),
  /** Caption languages translated by LibreTranslate, comma-separated. */
  LIBRETRANSLATE_LANGUAGES: languageList.default([]),
  /** Whether machine translations wait as drafts for a translator to accept (else they go out at once). */
  MT_REVIEW: flag.default(false),
  /**
   * Channels whose program is listened to by speech recognition (Debian's pocketsphinx through
   * ffmpeg's asr filter, English only), comma-separated; none by default: each costs about 150 MB
   * and a fifth to a half of a core, and a weak model's words are drafts.
   */
  ASR_CHANNELS: z
    .string()
    .regex(/^$|^[a-z0-9][a-z0-9-]{0,39}(,[a-z0-9][a-z0-9-]{0,39})*$/, 'expected channel ids separated by commas, or nothing')
    .transform((v) => (v ? v.split(',') : []))
    .default([]),
  /** Speech recognition's English phrases wait as drafts for the English desk (true) or go out at once. */
  ASR_REVIEW: flag.default(true),
  /** Whether every channel with agenda sessions is recorded by itself, one file per session. */
  RECORD_SESSIONS: flag.default(true),
  /** Whether the demo's short films are made (by ffmpeg, into DATA_DIR/films) when the cinema has none of them. */
  DEMO_FILMS: flag.default(true),
  /**
   * Free disk space kept on DATA_DIR's file system, in megabytes: no recording starts and no film
   * upload is taken that would go under it (DISK_FULL), and running recordings are stopped and
   * finished when it is reached, leaving the database room to write.
   */
  DISK_FLOOR_MB: z.coerce.number().int().min(0).max(10_000_000).default(1024),
  /** Finished recordings are deleted this many days after they ended (not while a re-run is scheduled from them); 0 keeps them. */
  RECORDING_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
  /** Largest film video upload, in megabytes. */
  FILM_MAX_MB: z.coerce.number().int().min(1).max(100_000).default(2000),
  /** A JSON file describing the event (name, studios, channels); empty runs the built-in demo event. */
  EVENT_FILE: z.string().default(''),
  /** Viewer registrations accepted from one IP address per minute (when the event asks viewers to register). */
  REGISTRATIONS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  /**
   * Clients one media worker takes before new viewers are refused with SERVER_FULL (crew are placed
   * anyway), so the viewers already watching keep their picture; 0 for no ceiling. The node's
   * ceiling is this times WORKERS.
   */
  VIEWERS_PER_WORKER: z.coerce.number().int().min(0).max(100_000).default(500),
  /**
   * A viewer's receive transport whose browser sent nothing (no STUN consent check, no RTCP report)
   * for this many seconds is closed, with its consumers; 0 never. Browsers send both every few seconds.
   */
  SILENT_PEER_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** Signaling connections one client address (IPv4, or IPv6 /64) may hold open at once. */
  SOCKETS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(500),
  /** Media consumers (one per audio or video track watched) the clients of one address may hold at once. */
  CONSUMERS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  /** Caption cues accepted from one access token per minute, over HTTP (POST /api/channels/:id/captions) and sockets (captions:ingest) together. */
  CAPTION_INGEST_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(600),
  /** New exhibition visitor ids given to one address per minute (an IPv6 address counts by its /64). */
  VISITOR_IDS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  /** Stand comments accepted from one address per minute (and 5 per visitor). */
  COMMENTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  /** Gift claims accepted from one address per minute (and 24 per visitor). */
  GIFT_CLAIMS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  /** Stand visits (a stand's panel opened) counted from one address per minute (and 60 per visitor). */
  STAND_VISITS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(240),
  /**
   * Which proxies in front of the server to believe about the client's address (X-Forwarded-For),
   * as express's `trust proxy`: empty trusts none; a number of hops ("1"); or addresses and subnets
   * ("loopback", "10.0.0.0/8"). Per-address limits count the real viewer, not the proxy.
   */
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((v): boolean | number | string => (v === '' ? false : /^\d+$/.test(v) ? Number(v) : v)),
  /**
   * How long a client whose signaling connection dropped keeps its transports, producers and
   * consumers, waiting for it to reconnect and resume; 0 closes them at once.
   */
  CLIENT_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(15_000),
  /**
   * Whether `npm start` prints invite links (producer, admin, studios…) at startup. Unset: only when
   * its output is a terminal, never into a log file or a container's log, where anyone who reads the
   * logs would hold an admin's link (`npm run invite` makes links on demand).
   */
  PRINT_INVITES: flag.optional(),
  /** A bearer token `/metrics` asks for (at least 16 characters); empty leaves the metrics open, as for a monitoring system on a private network. */
  METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /**
   * The address browsers and other nodes reach this server at (e.g. https://stage.example.com): in
   * links the server writes into files that leave it (calendar entries) and in the cluster's node
   * registry. Unset: http://ANNOUNCED_IP:PORT.
   */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Directory of the built client to serve; empty to serve no client. */
  CLIENT_DIR: z.string().default('client/dist'),
  /**
   * The cluster's Redis (redis://[user:password@]host:port[/db], or rediss:// with TLS): socket.io
   * broadcasts cross nodes through it and each node registers there. Empty: one node, no Redis.
   */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** This node's id in the cluster; a random one by default (a restarted node is a new node). */
  NODE_ID: NodeName.optional(),
  /**
   * Channels packaged as HLS all the time, comma-separated ids; unset: the event's main channels
   * (kind "main"); empty: none. Any other channel is packaged while someone pulls its playlists.
   */
  HLS_CHANNELS: z
    .string()
    .regex(/^$|^[a-z0-9][a-z0-9-]{0,39}(,[a-z0-9][a-z0-9-]{0,39})*$/, 'expected channel ids separated by commas, or nothing')
    .transform((v) => (v ? v.split(',') : []))
    .optional(),
  /**
   * Where players fetch HLS (`/hls/…`) from: a CDN or HTTP cache in front of the origin, such as the
   * compose file's `hls-cache` (docs/hls.md). Unset: this server, or in a cluster the active origin.
   */
  HLS_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Viewers this node carries over WebRTC (each a program's picture); past it a viewer is refused
   * with UNAVAILABLE and the watch page plays HLS. Unset: no limit. Producers, studios, guests and
   * captioners are never counted.
   */
  MAX_WEBRTC_VIEWERS: z.coerce.number().int().min(0).max(1_000_000).optional(),
  /** What this node does in the cluster: `origin` (studios, buses, captions) or `edge` (viewers). */
  NODE_ROLE: NodeRole.default('origin'),
  /** Where this node stands (any short name: `eu-west`, `singapore`), for placing viewers near it. */
  NODE_REGION: NodeName.default('local'),
  /**
   * TURN servers handed to every browser for its WebRTC transports, comma-separated `turn:` and
   * `turns:` URLs (e.g. `turns:turn.example.com:443?transport=tcp`), for viewers behind firewalls
   * that let nothing but TCP/TLS out. Needs TURN_SECRET; empty: no TURN.
   */
  TURN_URLS: z
    .string()
    .transform((v) => v.split(',').map((u) => u.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(TURN_URL, 'expected turn:host[:port][?transport=udp|tcp] or turns:…')).min(1).max(8))
    .optional(),
  /**
   * coturn's `static-auth-secret` (TURN REST API, `use-auth-secret`): the server signs each
   * client's time-limited TURN credential with it. At least 16 characters; needs TURN_URLS.
   */
  TURN_SECRET: z.string().min(16, 'use at least 16 characters').max(256).optional(),
  /** How long a minted TURN credential lets a client allocate and refresh relays, in hours. */
  TURN_CREDENTIAL_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  /** Share of a node's media CPU (0..1) above which it takes no new viewers and placement looks elsewhere. */
  PLACEMENT_CPU_THRESHOLD: z.coerce.number().gt(0).max(1).default(0.8),
  /** How long an edge keeps a channel's pipe from the origin once its last viewer of that channel left. */
  EDGE_RELAY_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /**
   * Where the other nodes of a cluster send this node's program pipes: an IP address, or a host name
   * looked up at start (in docker/cluster.yaml, the service's own name on the compose network, where
   * ANNOUNCED_IP is the host's address for browsers). Unset: ANNOUNCED_IP.
   */
  RELAY_ADDRESS: z.ipv4().or(z.ipv6()).or(z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/, 'expected an IP address or a host name')).optional(),
  /**
   * The key invite links and visitor ids are signed with: base64 of 32 random bytes or more
   * (`openssl rand -base64 32`). Every node of a cluster needs the same one. Unset: the key kept in
   * DATA_DIR/access-token.key, made on the first start.
   */
  ACCESS_TOKEN_KEY: z
    .base64('expected base64, e.g. from `openssl rand -base64 32`')
    .refine((v) => Buffer.from(v, 'base64').length >= 32, 'expected at least 32 bytes (44 base64 characters)')
    .optional(),
});

/** The parsed configuration. */
export type Config = z.infer<typeof ConfigSchema> & { ANNOUNCED_IP: string; NODE_ID: string };

/** Thrown when the environment holds a value the schema refuses. */
export class ConfigError extends StartupError {}

/** A setting's URL (REDIS_URL, DATABASE_URL) with any password hidden, for messages and logs. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Settings whose values are secrets: a wrong one is named but not echoed into logs. */
const SECRET_SETTINGS = new Set(['TURN_SECRET', 'ACCESS_TOKEN_KEY']);

/** Parses the environment; throws a ConfigError naming each wrong variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(
    // An empty value means the default, except HLS_CHANNELS, where it turns HLS off.
    Object.keys(ConfigSchema.shape).flatMap((k) => (env[k] === undefined || (env[k] === '' && k !== 'HLS_CHANNELS') ? [] : [[k, env[k]]])),
  );
  const result = ConfigSchema.safeParse(known);
  if (!result.success) {
    const shown = (key: string) => (SECRET_SETTINGS.has(key) ? '(hidden)' : JSON.stringify(known[key]));
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}=${shown(String(i.path[0]))}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = result.data;
  // Both or neither: URLs without the secret would hand out credentials coturn refuses, a secret
  // without URLs would do nothing, and either is surely a half-finished setting.
  if (!config.TURN_URLS !== !config.TURN_SECRET) {
    const missing = config.TURN_URLS ? 'TURN_SECRET' : 'TURN_URLS';
    throw new ConfigError(`invalid configuration:\n  ${missing}: needed with ${missing === 'TURN_SECRET' ? 'TURN_URLS' : 'TURN_SECRET'} (set both for TURN, or neither)`);
  }
  if (config.NODE_ROLE === 'edge' && !config.REDIS_URL) {
    throw new ConfigError('invalid configuration:\n  NODE_ROLE="edge": an edge serves the origin\'s program and needs the cluster\'s Redis (set REDIS_URL)');
  }
  return {
    ...config,
    DATA_DIR: resolve(config.DATA_DIR),
    CLIENT_DIR: config.CLIENT_DIR && resolve(config.CLIENT_DIR),
    ANNOUNCED_IP: config.ANNOUNCED_IP ?? firstLanAddress(),
    NODE_ID: config.NODE_ID ?? `${hostname().replace(/[^A-Za-z0-9._-]/g, '').slice(0, 40) || 'node'}-${randomBytes(4).toString('hex')}`,
  };
}

function firstLanAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
