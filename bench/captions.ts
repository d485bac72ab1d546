/**
 * Caption latency: from a desk's commit to the cue arriving at 1,000 viewer sockets, on loopback.
 * The server runs as its own process (as in production); the viewers and the desk are socket.io
 * clients in this one, and every arrival is timed against the desk's send time on the same clock.
 *
 * Beside it, in the same run, the baseline: a bare socket.io server in its own process
 * (bareBroadcastServer.ts) broadcasting a cue of the same shape and size to 1,000 sockets of its
 * own. Cues go to the two servers in turn, so both see the same machine at the same moments.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type Cue } from '@hybrid-stage/shared';
import { AccessTokens } from '../server/src/access/AccessTokens';
import { freePortRun, freeTcpPort } from '../test/support/ports';
import { startServerProcess } from '../test/support/server';
import { progress, quantile, type Figure, type FigureKey } from './report';

const VIEWERS = 1000;
const CUES = 40;
const CUE_INTERVAL_MS = 500;

export function connect(url: string, token?: string): Promise<Socket> {
  const socket = io(url, { auth: token ? { protocolVersion: PROTOCOL_VERSION, token } : { protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

export async function request<T>(socket: Socket, name: string, payload: unknown): Promise<T> {
  const ack = (await socket.timeout(10_000).emitWithAck(name, payload)) as Ack<T>;
  if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

/** Resolves once `child` has printed `ready` (the line that says it is listening); rejects if it exits first. */
function printed(child: ChildProcess, ready: string, name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(ready)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** `count` viewer sockets on one server, each timing every cue it receives against its send time. */
export async function joinViewers(url: string, label: string, sentAt: Map<string, number>, arrivals: number[], sockets: Socket[], count = VIEWERS) {
  for (let i = 0; i < count; i++) {
    const socket = await connect(url);
    socket.on('captions:cue', (cue: Cue) => {
      const sent = sentAt.get(cue.text);
      if (sent !== undefined) arrivals.push(performance.now() - sent);
    });
    await request(socket, 'captions:join', { channelId: 'main', language: 'en' });
    sockets.push(socket);
    if ((i + 1) % 250 === 0) progress(`captions: ${i + 1}/${count} viewers joined the ${label}`);
  }
}

/** Measures caption latency at 1,000 viewers, and a bare socket.io broadcast's beside it. */
export async function measureCaptions(): Promise<Map<FigureKey, Figure>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-bench-captions-'));
  const [httpPort, rtcPort, barePort] = [await freeTcpPort(), await freePortRun(1), await freeTcpPort()];
  progress(`captions: starting the server on port ${httpPort} and the bare broadcast server on ${barePort}`);
  const children: ChildProcess[] = [];
  const sockets: Socket[] = [];
  try {
    // Started as the tests start it (startServerProcess): nothing in the background that the
    // bare server does not have either (no demo films made, no session recorded, no HLS packaged).
    const server = startServerProcess({
      PORT: String(httpPort),
      RTC_PORT: String(rtcPort),
      DATA_DIR: dataDir,
      TEST_PATTERNS: 'false',
      CLIENT_DIR: '',
      // Its 1,000 viewers all connect from loopback: above the default per-address cap.
      SOCKETS_PER_ADDRESS: '2000',
    });
    children.push(server.child);
    await printed(server.child, 'Hybrid Stage is running', 'the server').catch((error: Error) => {
      throw new Error(`${error.message}:\n${server.output()}`);
    });
    const bare = spawn(process.execPath, ['--import', 'tsx', 'bench/bareBroadcastServer.ts', String(barePort)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(bare);
    await printed(bare, 'listening', 'the bare broadcast server');
    const url = `http://127.0.0.1:${httpPort}`;
    const bareUrl = `http://127.0.0.1:${barePort}`;
    const sentAt = new Map<string, number>();
    const arrivals: number[] = [];
    const bareArrivals: number[] = [];
    await joinViewers(url, 'server', sentAt, arrivals, sockets);
    await joinViewers(bareUrl, 'bare broadcast server', sentAt, bareArrivals, sockets);
    const token = await AccessTokens.inDataDir(dataDir).mint({ role: 'captioner', channelId: 'main', languages: ['en'] });
    const desk = await connect(url, token);
    const bareDesk = await connect(bareUrl);
    sockets.push(desk, bareDesk);
    // The cue as viewers receive it, so the baseline broadcasts one of the same shape and size.
    let shape: Cue | undefined;
    sockets[0]!.on('captions:cue', (cue: Cue) => (shape ??= cue));
    let bareSent = 0;
    for (let i = 0; i < CUES; i++) {
      const text = `Cue number ${String(i).padStart(2, '0')} from the English desk.`;
      const now = Date.now();
      sentAt.set(text, performance.now());
      await request(desk, 'captions:commit', { channelId: 'main', language: 'en', text, startMs: now - 1000, endMs: now + 2000 });
      await new Promise((r) => setTimeout(r, CUE_INTERVAL_MS / 2));
      if (shape) {
        const bareText = `Bare number ${String(i).padStart(2, '0')} from the English desk.`;
        sentAt.set(bareText, performance.now());
        await request(bareDesk, 'captions:commit', { ...shape, text: bareText });
        bareSent++;
      }
      await new Promise((r) => setTimeout(r, CUE_INTERVAL_MS / 2));
      if ((i + 1) % 10 === 0) progress(`captions: ${i + 1}/${CUES} cues sent to each server`);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const expected = VIEWERS * CUES;
    const conditions = `${CUES} English cues from a desk socket, ${VIEWERS} viewer sockets in one client process, server in its own process with Apertium drafting Spanish, loopback; ${arrivals.length}/${expected} arrivals`;
    if (arrivals.length < expected * 0.99) {
      const reason = `only ${arrivals.length} of ${expected} cue arrivals seen`;
      return new Map(CAPTION_FIGURES.map((key) => [key, { value: null, reason }]));
    }
    const p99 = Math.round(quantile(arrivals, 0.99));
    // A cue is sent to the baseline once the first real one has arrived to copy its shape from.
    const bareExpected = VIEWERS * bareSent;
    if (bareSent === 0 || bareArrivals.length < bareExpected * 0.99) {
      const reason = `only ${bareArrivals.length} of ${bareExpected} bare broadcast arrivals seen`;
      return new Map<FigureKey, Figure>([
        ['captions.p99Ms', { value: p99, unit: 'ms', conditions }],
        ['captions.bareBroadcastP99Ms', { value: null, reason }],
        ['captions.overBareBroadcast', { value: null, reason }],
      ]);
    }
    const bareP99 = Math.max(1, Math.round(quantile(bareArrivals, 0.99)));
    const bareConditions = `the same cues, each half a cue interval after Hybrid Stage's, broadcast by a bare socket.io server of the same version in its own process (join a room, acknowledge, emit to the room) to ${VIEWERS} sockets of its own in the same client process; ${bareArrivals.length}/${bareExpected} arrivals`;
    return new Map<FigureKey, Figure>([
      ['captions.p99Ms', { value: p99, unit: 'ms', conditions }],
      ['captions.bareBroadcastP99Ms', { value: bareP99, unit: 'ms', conditions: bareConditions }],
      ['captions.overBareBroadcast', { value: Math.round((p99 / bareP99) * 100) / 100, unit: '×', conditions: 'captions.p99Ms / captions.bareBroadcastP99Ms, measured in the same run (bar: ≤ 1.5)' }],
    ]);
  } finally {
    for (const s of sockets) s.close();
    for (const child of children) await stopProcess(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const CAPTION_FIGURES: FigureKey[] = ['captions.p99Ms', 'captions.bareBroadcastP99Ms', 'captions.overBareBroadcast'];
