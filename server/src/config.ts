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
  MT_APERTIUM_LANGUAGES: languageList.default(['es']),
  /** Base URL of a LibreTranslate-compatible API ("" for none). */
  LIBRETRANSLATE_URL: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).default(''),
  /** Its API key, if it wants one. */
  LIBRETRANSLATE_API_KEY: z.string().default(''),
  /** Caption languages translated by LibreTranslate, comma-separated. */
  LIBRETRANSLATE_LANGUAGES: languageList.default([]),
  /** Whether machine translations wait as drafts for a translator to accept (else they go out at once). */
  MT_REVIEW: flag.default(false),
  /** Whether every channel with agenda sessions is recorded by itself, one file per session. */
  RECORD_SESSIONS: flag.default(true),
  /** Whether the demo's short films are made (by ffmpeg, into DATA_DIR/films) when the cinema has none of them. */
  DEMO_FILMS: flag.default(true),
  /** Largest film video upload, in megabytes. */
  FILM_MAX_MB: z.coerce.number().int().min(1).max(100_000).default(2000),
  /** A JSON file describing the event (name, studios, channels); empty runs the built-in demo event. */
  EVENT_FILE: z.string().default(''),
  /** Viewer registrations accepted from one IP address per minute (when the event asks viewers to register). */
  REGISTRATIONS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
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
   * Viewers this node carries over WebRTC (each a program's picture); past it a viewer is refused
   * with UNAVAILABLE and the watch page plays HLS. Unset: no limit. Producers, studios, guests and
   * captioners are never counted.
   */
  MAX_WEBRTC_VIEWERS: z.coerce.number().int().min(0).max(1_000_000).optional(),
  /** What this node does in the cluster: `origin` (studios, buses, captions) or `edge` (viewers). */
  NODE_ROLE: NodeRole.default('origin'),
  /** Where this node stands (any short name: `eu-west`, `singapore`), for placing viewers near it. */
  NODE_REGION: NodeName.default('local'),
});

/** The parsed configuration. */
export type Config = z.infer<typeof ConfigSchema> & { ANNOUNCED_IP: string; NODE_ID: string };

/** Thrown when the environment holds a value the schema refuses. */
export class ConfigError extends StartupError {}

/** Parses the environment; throws a ConfigError naming each wrong variable. */
/** A setting's URL (REDIS_URL, DATABASE_URL) with any password hidden, for messages and logs. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(
    // An empty value means the default, except HLS_CHANNELS, where it turns HLS off.
    Object.keys(ConfigSchema.shape).flatMap((k) => (env[k] === undefined || (env[k] === '' && k !== 'HLS_CHANNELS') ? [] : [[k, env[k]]])),
  );
  const result = ConfigSchema.safeParse(known);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}=${JSON.stringify(known[String(i.path[0])])}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = result.data;
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
