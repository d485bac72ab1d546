// A client whose signaling connection drops (a network blip) keeps its transports, consumers and
// feeds for CLIENT_GRACE_MS: reconnecting within it with its resume token gives it back the same
// session; a client that does not come back has everything closed when the grace period ends.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type Ack,
  type ClientToServerEvents,
  type RequestName,
  type RequestOf,
  type Responses,
  type ServerToClientEvents,
  type SessionResumable,
} from '@hybrid-stage/shared';
import { startTestServer, TestClient, transportCount, type TestServer } from './support/server';

const GRACE_MS = 3000;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ WORKERS: '1', CLIENT_GRACE_MS: String(GRACE_MS) });
});

afterAll(async () => {
  await server?.close();
});


/** Operators see the sessions held for clients that dropped in /metrics. */
async function heldSessions(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^hybrid_stage_held_sessions (\d+)$/m.exec(text)?.[1]);
}

/** A client as the web app connects: it reconnects by itself and sends its last resume token when it does. */
class ResumingClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** Every `session:resumable` the server sent, in order. */
  readonly sessions: SessionResumable[] = [];
  /** How often the server said the media was lost. */
  mediaLost = 0;
  resumeToken: string | undefined;

  constructor(token?: string, reconnect = true) {
    const auth = { protocolVersion: PROTOCOL_VERSION, ...(token ? { token } : {}) };
    this.socket = io(server.url, {
      auth: (send) => send(this.resumeToken ? { ...auth, resume: this.resumeToken } : auth),
      transports: ['websocket'],
      reconnection: reconnect,
      reconnectionDelay: 100,
      reconnectionDelayMax: 200,
    });
    this.socket.on('session:resumable', (s) => {
      this.sessions.push(s);
      this.resumeToken = s.token;
    });
    this.socket.on('media:lost', () => this.mediaLost++);
  }

  async ok<N extends RequestName>(name: N, payload: RequestOf<N>): Promise<Responses[N]> {
    const emit = (this.socket.timeout(5000) as unknown as Socket).emitWithAck(name, payload) as Promise<Ack<Responses[N]>>;
    const response = await emit;
    if (!response.ok) throw new Error(`${name} failed: ${response.error.code} ${response.error.message}`);
    return response.data;
  }

  /** Drops the connection under the socket, as a network blip does (no goodbye to the server). */
  drop(): void {
    this.socket.io.engine.close();
  }

  close(): void {
    this.socket.close();
  }
}

it('gives a client that reconnects within the grace period its transports, consumers and feeds back', async () => {
  const baseline = await transportCount(server);
  const viewer = new ResumingClient();
  const studio = new ResumingClient(await server.access.mint({ role: 'studio', studioId: 'london' }));
  await expect.poll(() => viewer.sessions.length + studio.sessions.length).toBe(2);
  const { rtpCapabilities } = await viewer.ok('media:capabilities', {});
  const transport = await viewer.ok('transport:create', { direction: 'recv' });
  const { consumers } = await viewer.ok('program:consume', { channelId: 'main', transportId: transport.id, rtpCapabilities });
  expect(consumers).toHaveLength(2);
  const feed = await studio.ok('feed:open', { studioId: 'london', label: 'Blip camera' });
  expect(await transportCount(server)).toBe(baseline + 1);

  viewer.drop();
  studio.drop();
  await expect.poll(() => viewer.sessions.length, { timeout: GRACE_MS }).toBe(2);
  await expect.poll(() => studio.sessions.length, { timeout: GRACE_MS }).toBe(2);
  expect(viewer.sessions[1]!.resumed).toBe(true);
  // The token used is spent: the next drop resumes with the new one.
  expect(viewer.sessions[1]!.token).not.toBe(viewer.sessions[0]!.token);
  expect(studio.sessions[1]!.resumed).toBe(true);

  // Past the grace period nothing was closed: the same transport and consumers answer, the feed is still listed.
  await new Promise((r) => setTimeout(r, GRACE_MS + 1000));
  expect(await transportCount(server)).toBe(baseline + 1);
  await viewer.ok('transport:restartIce', { transportId: transport.id });
  for (const c of consumers) await viewer.ok('consumer:resume', { consumerId: c.id });
  expect((await viewer.ok('event:get', {})).feeds.map((f) => f.id)).toContain(feed.id);
  expect(viewer.mediaLost).toBe(0);

  // Leaving on purpose frees everything at once.
  viewer.close();
  studio.close();
  await expect.poll(() => transportCount(server), { timeout: 5000 }).toBe(baseline);
  const watcher = await TestClient.connect(server.url);
  expect((await watcher.ok('event:get', {})).feeds.map((f) => f.id)).not.toContain(feed.id);
  watcher.close();
});

it('closes the transports and feeds of a client that does not come back when the grace period ends', async () => {
  const baseline = await transportCount(server);
  const studio = new ResumingClient(await server.access.mint({ role: 'studio', studioId: 'london' }), false);
  await expect.poll(() => studio.sessions.length).toBe(1);
  await studio.ok('transport:create', { direction: 'send' });
  await studio.ok('transport:create', { direction: 'recv' });
  const feed = await studio.ok('feed:open', { studioId: 'london', label: 'Gone camera' });
  const producer = await TestClient.connectAs(server, { role: 'producer' });
  const feedIds = async () => (await producer.ok('event:get', {})).feeds.map((f) => f.id);
  expect(await transportCount(server)).toBe(baseline + 2);

  studio.drop();
  // Still held a moment later: the client may yet come back.
  await new Promise((r) => setTimeout(r, GRACE_MS / 3));
  expect(await transportCount(server)).toBe(baseline + 2);
  expect(await feedIds()).toContain(feed.id);
  expect(await heldSessions()).toBe(1);
  // Then closed: the transports count is back where it started and the feed has ended.
  await expect.poll(() => transportCount(server), { timeout: GRACE_MS * 3 }).toBe(baseline);
  expect(await feedIds()).not.toContain(feed.id);
  expect(await heldSessions()).toBe(0);

  // Its token no longer resumes anything.
  const late = new ResumingClient();
  late.resumeToken = studio.resumeToken;
  await expect.poll(() => late.sessions.length).toBe(1);
  expect(late.sessions[0]!.resumed).toBe(false);
  late.close();
  producer.close();
});

it('does not hand a session to a connection with another grant, or to a made-up token', async () => {
  const studio = new ResumingClient(await server.access.mint({ role: 'studio', studioId: 'london' }), false);
  await expect.poll(() => studio.sessions.length).toBe(1);
  const feed = await studio.ok('feed:open', { studioId: 'london', label: 'Not yours' });
  studio.drop();

  const stranger = new ResumingClient(await server.access.mint({ role: 'studio', studioId: 'moscow' }));
  stranger.resumeToken = studio.resumeToken;
  const guesser = new ResumingClient();
  guesser.resumeToken = 'x'.repeat(32);
  await expect.poll(() => stranger.sessions.length + guesser.sessions.length).toBe(2);
  expect(stranger.sessions[0]!.resumed).toBe(false);
  expect(guesser.sessions[0]!.resumed).toBe(false);
  // The stranger got a session of its own: the studio's feed is not among its feeds to close.
  const closing = await (stranger.socket.timeout(5000) as unknown as Socket).emitWithAck('feed:close', { feedId: feed.id });
  expect(closing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  // A token too long for the handshake is refused like any malformed handshake.
  const oversized = new ResumingClient(undefined, false);
  oversized.resumeToken = 'x'.repeat(65);
  const refused = await new Promise<{ data?: { code?: string } }>((resolve) => oversized.socket.once('connect_error', resolve));
  expect(refused.data?.code).toBe('PROTOCOL_MISMATCH');
  for (const c of [stranger, guesser, oversized]) c.close();
});
