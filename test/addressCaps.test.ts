// Issue 22 item 4: no one client exhausts the server. One address (an IPv4 address, or an IPv6 /64;
// behind TRUST_PROXY the viewer's) holds at most SOCKETS_PER_ADDRESS connections and
// CONSUMERS_PER_ADDRESS consumers; a worker takes VIEWERS_PER_WORKER clients, then new viewers are
// refused with SERVER_FULL while crew still get in. Each limit gives its place back when what held
// it closes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@hybrid-stage/shared';
import { startTestServer, TestClient, type TestServer } from './support/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    WORKERS: '1',
    TEST_PATTERNS: 'true',
    TRUST_PROXY: 'loopback',
    CLIENT_GRACE_MS: '0',
    SOCKETS_PER_ADDRESS: '3',
    CONSUMERS_PER_ADDRESS: '4',
    VIEWERS_PER_WORKER: '6',
  });
});

afterAll(async () => {
  await server?.close();
});

const auth = { protocolVersion: PROTOCOL_VERSION };
/** A socket from `address`, as a proxy in front of the server would say. */
const from = (address: string, token?: string) => TestClient.connect(server.url, token ? { ...auth, token } : auth, { 'x-forwarded-for': address });

/** The handshake's refusal code for a socket from `address`, or 'ok' (the socket is closed again). */
const refusalFrom = (address: string) => TestClient.admission(server.url, auth, { 'x-forwarded-for': address });

/** Joins the main channel's program: the consumers' count, or the refusal's code. */
async function watchMain(viewer: TestClient): Promise<number | string> {
  const caps = await viewer.request('media:capabilities', {});
  if (!caps.ok) return caps.error.code;
  const transport = await viewer.ok('transport:create', { direction: 'recv' });
  const answer = await viewer.request('program:consume', { channelId: 'main', transportId: transport.id, rtpCapabilities: caps.data.rtpCapabilities });
  return answer.ok ? answer.data.consumers.length : answer.error.code;
}

const closed = (client: TestClient) => new Promise<void>((resolve) => (client.socket.disconnected ? resolve() : client.socket.once('disconnect', () => resolve())));

describe('caps per address and per worker', () => {
  it('holds SOCKETS_PER_ADDRESS connections open from one address, an IPv6 /64 as one', async () => {
    const open = [await from('192.0.2.1'), await from('192.0.2.1'), await from('192.0.2.1')];
    expect(await refusalFrom('192.0.2.1')).toBe('RATE_LIMITED');
    expect(await refusalFrom('192.0.2.2')).toBe('ok');
    const v6 = [await from('2001:db8:5:6::1'), await from('2001:db8:5:6::2'), await from('2001:db8:5:6:ffff::3')];
    expect(await refusalFrom('2001:db8:5:6::4')).toBe('RATE_LIMITED');
    expect(await refusalFrom('2001:db8:5:7::1')).toBe('ok');
    // A closed connection gives its place back.
    open[0]!.close();
    await closed(open[0]!);
    await expect.poll(() => refusalFrom('192.0.2.1')).toBe('ok');
    for (const c of [...open, ...v6]) c.close();
  });

  it('holds CONSUMERS_PER_ADDRESS consumers for all the connections of one address', async () => {
    const a = await from('198.51.100.20');
    const b = await from('198.51.100.20');
    const c = await from('198.51.100.20');
    try {
      // Two viewers take a video and an audio consumer each: four, the cap.
      expect(await watchMain(a)).toBe(2);
      expect(await watchMain(b)).toBe(2);
      expect(await watchMain(c)).toBe('RATE_LIMITED');
      // A neighbour on another address is not held up.
      const other = await from('198.51.100.21');
      expect(await watchMain(other)).toBe(2);
      other.close();
      // Leaving gives the consumers back.
      a.close();
      await closed(a);
      await expect.poll(() => watchMain(c), { timeout: 10_000 }).toBe(2);
    } finally {
      for (const client of [a, b, c]) client.close();
    }
  });

  it('refuses new viewers with SERVER_FULL once the worker holds VIEWERS_PER_WORKER clients, but not crew', async () => {
    const viewers: TestClient[] = [];
    try {
      // Every viewer from an address of its own, so only the worker's ceiling counts.
      for (let i = 0; i < 6; i++) {
        const viewer = await from(`203.0.113.${100 + i}`);
        viewers.push(viewer);
        expect(await viewer.request('media:capabilities', {}), `viewer ${i}`).toMatchObject({ ok: true });
      }
      const late = await from('203.0.113.120');
      viewers.push(late);
      expect(await late.request('media:capabilities', {})).toMatchObject({ ok: false, error: { code: 'SERVER_FULL' } });
      // A studio still goes live and a producer still watches.
      const producer = await from('203.0.113.121', await server.access.mint({ role: 'producer' }));
      viewers.push(producer);
      expect(await watchMain(producer)).toBe(2);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      // Crew take places too: with the producer gone and a viewer leaving there is room for the one who waited.
      producer.close();
      await closed(producer);
      viewers[0]!.close();
      await closed(viewers[0]!);
      await expect.poll(async () => (await late.request('media:capabilities', {})).ok, { timeout: 10_000 }).toBe(true);
    } finally {
      for (const v of viewers) v.close();
    }
  });
});
