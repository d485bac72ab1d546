/**
 * Caption latency: from a desk's commit to the cue arriving at 1,000 viewer sockets, on loopback.
 * The server runs as its own process (as in production); the viewers and the desk are socket.io
 * clients in this one, and every arrival is timed against the desk's send time on the same clock.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type Cue } from '@hybrid-stage/shared';
import { AccessTokens } from '../server/src/access/AccessTokens';
import { freePortRun } from '../test/support/ports';
import { progress, quantile, type Figure, type FigureKey } from './report';

const VIEWERS = 1000;
const CUES = 40;
const CUE_INTERVAL_MS = 500;

function connect(url: string, token?: string): Promise<Socket> {
  const socket = io(url, { auth: token ? { protocolVersion: PROTOCOL_VERSION, token } : { protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function request<T>(socket: Socket, name: string, payload: unknown): Promise<T> {
  const ack = (await socket.timeout(10_000).emitWithAck(name, payload)) as Ack<T>;
  if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

/** Measures caption latency at 1,000 viewers. */
export async function measureCaptions(): Promise<Map<FigureKey, Figure>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-bench-captions-'));
  const httpPort = await freePortRun(1);
  const rtcPort = await freePortRun(1);
  progress(`captions: starting the server on port ${httpPort}`);
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(httpPort),
      HOST: '127.0.0.1',
      RTC_PORT: String(rtcPort),
      RTC_LISTEN_IP: '127.0.0.1',
      ANNOUNCED_IP: '127.0.0.1',
      DATA_DIR: dataDir,
      WORKERS: '1',
      TEST_PATTERNS: 'false',
      LOG_LEVEL: 'warn',
      CLIENT_DIR: '',
      // Its 1,000 viewers all connect from loopback: above the default per-address cap.
      SOCKETS_PER_ADDRESS: '2000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const sockets: Socket[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Hybrid Stage is running')) resolve();
      });
      server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const url = `http://127.0.0.1:${httpPort}`;
    const arrivals: number[] = [];
    const sentAt = new Map<string, number>();
    for (let i = 0; i < VIEWERS; i++) {
      const socket = await connect(url);
      socket.on('captions:cue', (cue: Cue) => {
        const sent = sentAt.get(cue.text);
        if (sent !== undefined) arrivals.push(performance.now() - sent);
      });
      await request(socket, 'captions:join', { channelId: 'main', language: 'en' });
      sockets.push(socket);
      if ((i + 1) % 200 === 0) progress(`captions: ${i + 1}/${VIEWERS} viewers joined`);
    }
    const token = await AccessTokens.inDataDir(dataDir).mint({ role: 'captioner', channelId: 'main', languages: ['en'] });
    const desk = await connect(url, token);
    sockets.push(desk);
    for (let i = 0; i < CUES; i++) {
      const text = `Cue number ${i} from the English desk.`;
      const now = Date.now();
      sentAt.set(text, performance.now());
      await request(desk, 'captions:commit', { channelId: 'main', language: 'en', text, startMs: now - 1000, endMs: now + 2000 });
      await new Promise((r) => setTimeout(r, CUE_INTERVAL_MS));
      if ((i + 1) % 10 === 0) progress(`captions: ${i + 1}/${CUES} cues sent`);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const expected = VIEWERS * CUES;
    const conditions = `${CUES} English cues from a desk socket, ${VIEWERS} viewer sockets in one client process, server in its own process with Apertium drafting Spanish, loopback; ${arrivals.length}/${expected} arrivals`;
    if (arrivals.length < expected * 0.99) {
      return new Map([['captions.p99Ms', { value: null, reason: `only ${arrivals.length} of ${expected} cue arrivals seen` }]]);
    }
    return new Map([['captions.p99Ms', { value: Math.round(quantile(arrivals, 0.99)), unit: 'ms', conditions }]]);
  } finally {
    for (const s of sockets) s.close();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
