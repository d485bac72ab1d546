// The cluster's control plane on a real Redis (Debian's redis-server as a child process): two
// server instances sharing one Redis and one PostgreSQL, each with its own data directory and the
// same signing key (ACCESS_TOKEN_KEY). A caption typed at a desk
// on one node reaches a viewer connected to the other; the node registry lists both with their
// role, region, address and load, and a node killed with SIGKILL drops out once its key expires;
// Redis restarted mid-test: both nodes come back by themselves, register again, and captions
// cross again (one typed while Redis was away, too), and what they acknowledged meanwhile is in
// PostgreSQL; a node that stops warns only its own clients.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterInfo, Cue } from '@hybrid-stage/shared';
import { TestPostgres } from './support/postgres';
import { TestRedis } from './support/redis';
import { freePortRun } from './support/ports';
import { startServerProcess, startTestServer, TestClient, type ServerProcess, type TestServer } from './support/server';

let redis: TestRedis;
let postgres: TestPostgres;
let databaseUrl: string;
const accessTokenKey = randomBytes(32).toString('base64');
let nodeA: TestServer;
let nodeB: TestServer;

/** A node of the cluster: one worker, no test patterns or machine translation (nothing this test needs). */
const nodeEnv = (env: Record<string, string>) => ({
  REDIS_URL: redis.url,
  DATABASE_URL: databaseUrl,
  ACCESS_TOKEN_KEY: accessTokenKey,
  WORKERS: '1',
  TEST_PATTERNS: 'false',
  MT_APERTIUM_LANGUAGES: 'none',
  ...env,
});

beforeAll(async () => {
  redis = await TestRedis.start();
  postgres = await TestPostgres.start();
  databaseUrl = await postgres.createDatabase();
  // Both asked to record agenda sessions, and B to package HLS: the origin does, an edge (whose own
  // buses are idle) does not.
  nodeA = await startTestServer(nodeEnv({ NODE_ID: 'node-a', NODE_REGION: 'eu-west', RECORD_SESSIONS: 'true' }));
  // Its own media ports (outside the per-vitest-worker blocks of test/support/server.ts, which node A
  // takes): two servers in one test run side by side.
  nodeB = await startTestServer(nodeEnv({ NODE_ID: 'node-b', NODE_ROLE: 'edge', NODE_REGION: 'ap-south', MEDIA_PORT_RANGE: '18000-18499', RECORD_SESSIONS: 'true', HLS_CHANNELS: 'main' }));
}, 60_000);

/** The media ports of a third node started beside A and B (one at a time). */
const THIRD_NODE_MEDIA_PORTS = '18500-18999';

/** What a test leaves to remove after the file's servers stop. */
const cleanups: (() => void)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups) cleanup();
  await nodeA?.close();
  await nodeB?.close();
  await redis?.close();
  await postgres?.close();
});

/** `GET /api/cluster` on `server`, as an admin. */
async function clusterOf(server: TestServer): Promise<ClusterInfo> {
  const response = await fetch(`${server.url}/api/cluster`, { headers: { authorization: `Bearer ${await server.access.mint({ role: 'admin' })}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as ClusterInfo;
}
const nodeIds = async (server: TestServer) => (await clusterOf(server)).nodes.map((n) => n.id);

/** A viewer socket on `server` following the main channel's English captions. */
async function captionViewer(server: TestServer) {
  const client = await TestClient.connect(server.url);
  const received: Cue[] = [];
  client.socket.on('captions:cue', (cue) => received.push(cue));
  await client.ok('captions:join', { channelId: 'main', language: 'en' });
  return { client, received };
}
const englishDesk = (server: TestServer) => TestClient.connectAs(server, { role: 'captioner', channelId: 'main', languages: ['en'] });
const cueNow = (text: string) => ({ channelId: 'main', language: 'en' as const, startMs: Date.now() - 1500, endMs: Date.now() + 1500, text });

describe('socket.io across nodes', () => {
  it('sends a caption typed at a desk on node A to viewers of its language on node B, and not to others', async () => {
    const onB = await captionViewer(nodeB);
    const onA = await captionViewer(nodeA);
    const otherLanguage = await TestClient.connect(nodeB.url);
    const german: Cue[] = [];
    otherLanguage.socket.on('captions:cue', (cue) => german.push(cue));
    await otherLanguage.ok('captions:join', { channelId: 'main', language: 'de' });
    const desk = await englishDesk(nodeA);
    try {
      const cue = await desk.ok('captions:commit', cueNow('Welcome to the partner conference, from node A.'));
      await expect.poll(() => onB.received.map((c) => c.id), { timeout: 5000 }).toEqual([cue.id]);
      // The same cue as the desk's answer, through msgpack between the nodes.
      expect(onB.received[0]).toEqual(cue);
      await expect.poll(() => onA.received.map((c) => c.id), { timeout: 5000 }).toEqual([cue.id]);
      expect(german).toEqual([]);
    } finally {
      for (const c of [desk, onA.client, onB.client, otherLanguage]) c.close();
    }
  });

  it("sends a channel's change on node A to consoles and viewers on node B", async () => {
    const producer = await TestClient.connectAs(nodeA, { role: 'producer' });
    const viewerOnB = await TestClient.connect(nodeB.url);
    try {
      const before = (await producer.ok('event:get', {})).channels.find((c) => c.id === 'europe')!;
      const seen = viewerOnB.next('channel:changed', (c) => c.id === 'europe' && c.version > before.version);
      const state = await producer.ok('program:backup', { channelId: 'europe', feedId: null });
      expect(await seen).toEqual(state);
    } finally {
      producer.close();
      viewerOnB.close();
    }
  });
});

describe('node registry', () => {
  it('lists both nodes with their role, region, address and load, to admins only', async () => {
    const { redis: onRedis, self, nodes } = await clusterOf(nodeB);
    expect(onRedis).toBe(true);
    expect(self).toBe('node-b');
    expect(nodes.map((n) => n.id)).toEqual(['node-a', 'node-b']);
    const [a, b] = nodes;
    expect(a).toMatchObject({ role: 'origin', region: 'eu-west', announcedIp: '127.0.0.1', url: nodeA.url, load: { workers: 1 } });
    expect(b).toMatchObject({ role: 'edge', region: 'ap-south', announcedIp: '127.0.0.1', url: nodeB.url, load: { workers: 1 } });
    expect(Date.now() - Date.parse(b!.updatedAt)).toBeLessThan(10_000);
    // A viewer with media on B shows in B's load at a later heartbeat.
    const viewer = await TestClient.connect(nodeB.url);
    try {
      await viewer.ok('transport:create', { direction: 'recv' });
      await expect.poll(async () => (await clusterOf(nodeA)).nodes.find((n) => n.id === 'node-b')?.load.viewers, { timeout: 10_000 }).toBe(1);
    } finally {
      viewer.close();
    }

    const asProducer = await fetch(`${nodeA.url}/api/cluster`, { headers: { authorization: `Bearer ${await nodeA.access.mint({ role: 'producer' })}` } });
    expect(asProducer.status).toBe(403);
    expect(((await asProducer.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    const anonymous = await fetch(`${nodeA.url}/api/cluster`);
    expect(anonymous.status).toBe(401);
  });

  it("places a viewer on the edge, on the origin once the viewer reports the edge failed; a page of the cluster may ask and connect across nodes", async () => {
    const place = (query: string, from: string) => fetch(`${nodeA.url}/api/placement?${query}`, { headers: { origin: from } });
    const fromB = new URL(nodeB.url).origin;
    // The edge serves viewers of every region while it lives: the origin keeps its CPU for the program.
    const onEdge = await place('region=eu-west', fromB);
    expect(onEdge.status).toBe(200);
    expect(await onEdge.json()).toEqual({ node: 'node-b', url: nodeB.url, region: 'ap-south', nodes: [nodeA.url, nodeB.url] });
    expect(onEdge.headers.get('access-control-allow-origin')).toBe(fromB);
    // The viewer's page lost the edge before its registry record expired: the origin rather than nobody.
    const onOrigin = await place('region=eu-west&failed=node-b', fromB);
    expect(await onOrigin.json()).toMatchObject({ node: 'node-a', url: nodeA.url });
    // A page of another site is answered (anyone may ask) but not let read the answer.
    const elsewhere = await place('', 'https://elsewhere.example');
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
    // The socket of a page placed across nodes: a node takes pages of the cluster's nodes, not other sites'.
    (await TestClient.connect(nodeA.url, undefined, { origin: fromB })).close();
    await expect(TestClient.connect(nodeA.url, undefined, { origin: 'https://elsewhere.example' })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
  });

  it("records no session and packages no HLS on an edge, whose own buses are idle: they are the origin's work", async () => {
    // Asked to package the main channel all the time (HLS_CHANNELS), the edge does not ...
    expect(nodeB.hls.packaging).toEqual([]);
    // ... and sends an HLS player to the origin, refusing to package on demand what it has not.
    const source = (await (await fetch(`${nodeB.url}/api/hls/main`)).json()) as { url: string };
    const registered = (await clusterOf(nodeB)).nodes.find((n) => n.id === 'node-a')!.url;
    expect(source.url).toBe(`${new URL(registered).origin}/hls/main/master.m3u8`);
    const onEdge = await fetch(`${nodeB.url}/hls/main/master.m3u8`);
    expect([onEdge.status, ((await onEdge.json()) as { error: { code: string } }).error.code]).toEqual([421, 'ORIGIN_ONLY']);
    expect(nodeB.hls.packaging).toEqual([]);
    // The demo agenda always has a session on: the origin records it (so recordings do start on
    // this machine by now), and a moment later the edge, started just after it, still records none.
    await expect.poll(async () => (await nodeA.recordings.list()).length, { timeout: 30_000 }).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 2000));
    // Both nodes read the one database: every running recording in it is one the origin runs, and
    // the edge runs none.
    const running = (await nodeB.recordings.list()).filter((r) => r.status === 'recording');
    expect(running.length).toBeGreaterThan(0);
    for (const recording of running) {
      expect(nodeA.recordings.active(recording.channelId)?.id).toBe(recording.id);
      expect(nodeB.recordings.active(recording.channelId)).toBeUndefined();
    }
  });

  it('drops a node killed with SIGKILL once its key expires', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-cluster-'));
    let node: ServerProcess | undefined;
    try {
      const [port, rtcPort] = [await freePortRun(1), await freePortRun(1)];
      node = startServerProcess({
        ...nodeEnv({ NODE_ID: 'node-c', NODE_ROLE: 'edge', MEDIA_PORT_RANGE: THIRD_NODE_MEDIA_PORTS }),
        PORT: String(port),
        RTC_PORT: String(rtcPort),
        DATA_DIR: dataDir,
      });
      await expect.poll(() => nodeIds(nodeA), { timeout: 60_000, interval: 500 }).toContain('node-c');
      node.child.kill('SIGKILL');
      await node.exited;
      // Nobody deleted its key: it stays listed until it expires (TTL 6 s), then it is gone.
      expect(await nodeIds(nodeA)).toContain('node-c');
      await expect.poll(() => nodeIds(nodeA), { timeout: 15_000, interval: 500 }).toEqual(['node-a', 'node-b']);
    } finally {
      if (node && node.child.exitCode === null && node.child.signalCode === null) {
        node.child.kill('SIGKILL');
        await node.exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

/** Posts a stand comment through `server` as a visitor it issued; the HTTP status. */
async function comment(server: TestServer, text: string): Promise<number> {
  const { visitorId } = (await (await fetch(`${server.url}/api/visitors`, { method: 'POST' })).json()) as { visitorId: string };
  const response = await fetch(`${server.url}/api/stands/nordlicht-systems/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-visitor-id': visitorId },
    body: JSON.stringify({ author: 'Ann', text }),
  });
  return response.status;
}
const comments = async (server: TestServer) => ((await (await fetch(`${server.url}/api/stands/nordlicht-systems/comments`)).json()) as { text: string }[]).map((c) => c.text);

describe('Redis restarted mid-event', () => {
  it('brings both nodes back by themselves: registered again, captions crossing again, nothing acknowledged lost', async () => {
    const onB = await captionViewer(nodeB);
    const onA = await captionViewer(nodeA);
    const desk = await englishDesk(nodeA);
    try {
      await redis.stop({ abruptly: true });
      // Typed while Redis is away: the desk is answered (the cue is stored on A), A's own viewers
      // get it at once, and the broadcast to the other nodes waits for the connection.
      const during = await desk.ok('captions:commit', cueNow('Typed while Redis was away.'));
      await expect.poll(() => onA.received.map((c) => c.id), { timeout: 5000 }).toEqual([during.id]);
      expect(onB.received).toEqual([]);
      // A comment through the edge meanwhile: PostgreSQL does not need Redis, so it is taken.
      expect(await comment(nodeB, 'Written on the edge while Redis was away.')).toBe(201);
      await redis.startAgain(); // empty: it kept nothing
      await expect.poll(() => nodeIds(nodeA), { timeout: 20_000, interval: 500 }).toEqual(['node-a', 'node-b']);
      await expect.poll(() => nodeIds(nodeB), { timeout: 20_000, interval: 500 }).toEqual(['node-a', 'node-b']);
      const after = await desk.ok('captions:commit', cueNow('Typed after Redis came back.'));
      await expect.poll(() => onB.received.map((c) => c.id), { timeout: 10_000 }).toContain(after.id);
      expect(onB.received.map((c) => c.id)).toContain(during.id);
      // Read through the origin: the comment acknowledged during the outage is there.
      expect(await comments(nodeA)).toContain('Written on the edge while Redis was away.');
    } finally {
      desk.close();
      onA.client.close();
      onB.client.close();
    }
  }, 60_000);
});

describe('stopping a node', () => {
  it('warns only its own clients, and takes it out of the registry at once', async () => {
    const onA = await TestClient.connect(nodeA.url);
    const onB = await TestClient.connect(nodeB.url);
    const closingOnB: unknown[] = [];
    onB.socket.on('server:closing', (notice) => closingOnB.push(notice));
    const closingOnA = onA.next('server:closing');
    try {
      await nodeA.close();
      expect(await closingOnA).toEqual({ reason: 'shutdown' });
      expect(await nodeIds(nodeB)).toEqual(['node-b']);
      // A closing notice sent across the adapter would have arrived with A's.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(closingOnB).toEqual([]);
      expect(onB.socket.connected).toBe(true);
    } finally {
      onA.close();
      onB.close();
    }
  });
});

describe('a Redis that cannot be reached', () => {
  it('stops the start with a message naming REDIS_URL, its password hidden', async () => {
    const closed = await freePortRun(1);
    const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-cluster-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    await expect(startTestServer(nodeEnv({ REDIS_URL: `redis://:secret@127.0.0.1:${closed}`, DATA_DIR: dataDir }))).rejects.toThrow(
      new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${closed} \\(REDIS_URL\\)`),
    );
  });
});

describe('embedded default', () => {
  it('runs without Redis: the cluster is this node alone', async () => {
    // Announced on another address than it listens on, as behind NAT: without PUBLIC_URL, that is
    // where browsers reach it, in the registry and in calendar links alike.
    const single = await startTestServer({ WORKERS: '1', TEST_PATTERNS: 'false', MT_APERTIUM_LANGUAGES: 'none', NODE_ID: 'solo', MEDIA_PORT_RANGE: THIRD_NODE_MEDIA_PORTS, ANNOUNCED_IP: '127.0.0.2' });
    try {
      const announced = `http://127.0.0.2:${new URL(single.url).port}`;
      const info = await clusterOf(single);
      expect(info).toMatchObject({ redis: false, self: 'solo', nodes: [{ id: 'solo', role: 'origin', region: 'local', url: announced, load: { workers: 1 } }] });
      const calendar = await (await fetch(`${single.url}/api/agenda.ics`)).text();
      expect(calendar).toContain(`${announced}/channel/`);
      expect(calendar).not.toContain(single.url);
      // Placement on a single node answers the node itself, whatever the viewer reports or the node's load.
      const placed = await fetch(`${single.url}/api/placement?region=ap-south&failed=solo`);
      expect(placed.status).toBe(200);
      expect(await placed.json()).toEqual({ node: 'solo', url: announced, region: 'local', nodes: [announced] });
    } finally {
      await single.close();
    }
  });
});
