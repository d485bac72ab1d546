import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  SERVED_PAGE_ID,
  type Ack,
  type ChannelState,
  type ClientToServerEvents,
  type Grant,
  type RequestName,
  type RequestOf,
  type Responses,
  type ServedPage,
  type ServerToClientEvents,
} from '@hybrid-stage/shared';
import { loadConfig, startServer, type RunningServer } from '@hybrid-stage/server';
import { freePortRun } from './ports';

/** A real server on free loopback ports with its own data directory. */
export interface TestServer extends RunningServer {
  dataDir: string;
  rtcPort: number;
}

/**
 * The MEDIA_PORT_RANGE of the test servers in this vitest worker, where mediasoup's plain and pipe
 * transports take their ports. Integration files that run at the same time (TEST_INTEGRATION_FILES
 * > 1) are in different vitest workers (VITEST_POOL_ID 1, 2, ...), and each gets a block of its own
 * (10000 + 500 per worker), so their servers never compete for a port. The blocks lie below the
 * system's ephemeral ports (32768 and up), where the recorder's ffmpeg and every client socket get
 * theirs, and below freePortRun's 20000-28999.
 */
export function mediaPortRange(): string {
  const slot = Math.max(0, (Number(process.env.VITEST_POOL_ID) || 1) - 1) % 16;
  const first = 10000 + slot * 500;
  return `${first}-${first + 499}`;
}

/** Starts the real server: real mediasoup workers, ffmpeg test patterns, real sockets. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  // A DATA_DIR given by the test (to restart on the same data) is the test's to remove.
  const ownDataDir = !env.DATA_DIR;
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'hybrid-stage-test-'));
  const workers = Number(env.WORKERS ?? 2);
  // A test that restarts the server passes the first one's PORT and RTC_PORT, so browsers find it again.
  const rtcPort = env.RTC_PORT ? Number(env.RTC_PORT) : await freePortRun(workers);
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    RTC_PORT: String(rtcPort),
    RTC_LISTEN_IP: '127.0.0.1',
    ANNOUNCED_IP: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    WORKERS: String(workers),
    // Tests record by hand and make their own films: nothing runs in the background unasked.
    RECORD_SESSIONS: 'false',
    DEMO_FILMS: 'false',
    // No HLS packager unless the test asks (HLS_CHANNELS): it encodes, which costs every test CPU.
    HLS_CHANNELS: '',
    MEDIA_PORT_RANGE: mediaPortRange(),
    ...env,
  });
  const server = await startServer(config);
  return {
    ...server,
    dataDir,
    rtcPort,
    close: async (reason) => {
      await server.close(reason);
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A socket.io client as the web app connects, with promise-returning requests. */
export class TestClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** Who the server took this client to be (sent right after the handshake). */
  readonly grant: Promise<Grant>;

  private constructor(socket: Socket<ServerToClientEvents, ClientToServerEvents>, grant: Promise<Grant>) {
    this.socket = socket;
    this.grant = grant;
  }

  /** Connects and waits until the server accepted the handshake. */
  static async connect(url: string, auth: object = { protocolVersion: PROTOCOL_VERSION }, extraHeaders?: Record<string, string>): Promise<TestClient> {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { auth, transports: ['websocket'], reconnection: false, ...(extraHeaders && { extraHeaders }) });
    const grant = new Promise<Grant>((resolve) => socket.once('session:grant', resolve));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return new TestClient(socket, grant);
  }

  /** Whether a socket is let in: 'ok' (and it is closed again), or the code its handshake was refused with. */
  static async admission(url: string, auth: object = { protocolVersion: PROTOCOL_VERSION }, extraHeaders?: Record<string, string>): Promise<string> {
    try {
      (await TestClient.connect(url, auth, extraHeaders)).close();
      return 'ok';
    } catch (error) {
      return (error as { data?: { code?: string } }).data?.code ?? String(error);
    }
  }

  /** Connects with an access token for `grant`, as an invite link would. */
  static async connectAs(server: RunningServer, grant: Grant): Promise<TestClient> {
    return TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION, token: await server.access.mint(grant) });
  }

  /** Resolves with the first `event` payload for which `match` holds, or fails after `ms`. */
  next<E extends keyof ServerToClientEvents>(
    event: E,
    match: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
    ms = 10_000,
  ): Promise<Parameters<ServerToClientEvents[E]>[0]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.off(event, listener as never);
        reject(new Error(`no matching ${event} within ${ms} ms`));
      }, ms);
      const listener = (...args: Parameters<ServerToClientEvents[E]>) => {
        if (!match(...args)) return;
        clearTimeout(timer);
        this.socket.off(event, listener as never);
        resolve(args[0]);
      };
      this.socket.on(event, listener as never);
    });
  }

  /**
   * TAKE, resolved with the channel's state once `feedId` is on its program. It listens before it
   * takes: a cut at a keyframe that comes at once may arrive with the TAKE's answer.
   */
  async take(channelId: string, feedId: string, ms = 10_000): Promise<ChannelState> {
    const onAir = this.next('channel:changed', (c) => c.id === channelId && c.program === feedId, ms);
    onAir.catch(() => undefined); // awaited below, after the TAKE's own answer
    await this.ok('program:take', { channelId, feedId });
    return (await onAir) as ChannelState;
  }

  /** Sends any event name and payload, as a buggy or hostile client could. */
  raw(name: string, payload: unknown): Promise<Ack<unknown>> {
    return (this.socket.timeout(5000) as unknown as Socket).emitWithAck(name, payload) as Promise<Ack<unknown>>;
  }

  /** Sends a well-typed request and returns the whole acknowledgement. */
  request<N extends RequestName>(name: N, payload: RequestOf<N>): Promise<Ack<Responses[N]>> {
    return this.raw(name, payload) as Promise<Ack<Responses[N]>>;
  }

  /** Sends a request and returns its data, failing the test on an error acknowledgement. */
  async ok<N extends RequestName>(name: N, payload: RequestOf<N>): Promise<Responses[N]> {
    const response = await this.request(name, payload);
    if (!response.ok) throw new Error(`${name} failed: ${response.error.code} ${response.error.message}`);
    return response.data;
  }

  close(): void {
    this.socket.close();
  }
}

/** The server as `npm start` runs it: a process of its own, with its output collected. */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code when the process ends (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
}

/** Starts `server/src/main.ts` in its own process on loopback, one worker, with `env` on top. */
export function startServerProcess(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: {
      ...process.env,
      HOST: '127.0.0.1', RTC_LISTEN_IP: '127.0.0.1', ANNOUNCED_IP: '127.0.0.1', WORKERS: '1', LOG_LEVEL: 'warn',
      RECORD_SESSIONS: 'false', DEMO_FILMS: 'false', HLS_CHANNELS: '', MEDIA_PORT_RANGE: mediaPortRange(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

/** Transports on every worker's router (WebRTC, plain, pipe, direct): what a client leaves behind. */
export async function transportCount(server: RunningServer): Promise<number> {
  let n = 0;
  for (const w of server.pool.workers) n += ((await w.router.dump()).transportIds as string[]).length;
  return n;
}

/** A GET with the path sent exactly as written (fetch would normalise `..` and backslashes away). */
export function rawGet(baseUrl: string, path: string, token?: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET', headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** What the server wrote into the app page at `path` (its `hybrid-stage-page` JSON block). */
export async function servedPageAt(baseUrl: string, path: string): Promise<ServedPage> {
  const html = await (await fetch(new URL(path, baseUrl))).text();
  const json = new RegExp(`<script type="application/json" id="${SERVED_PAGE_ID}">(.*?)</script>`, 's').exec(html)?.[1];
  if (!json) throw new Error(`no served page facts in ${path}`);
  return JSON.parse(json) as ServedPage;
}
