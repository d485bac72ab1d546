// The socket.io protocol against the real server: handshake, requests, and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@hybrid-stage/shared';
import { servedPageAt, startTestServer, TestClient, type TestServer } from './support/server';

let server: TestServer;
let client: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  client = await TestClient.connectAs(server, { role: 'producer' });
});

afterAll(async () => {
  client?.close();
  await server?.close();
});

describe('handshake', () => {
  it('turns away a client of another protocol version with PROTOCOL_MISMATCH', async () => {
    const error = await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION + 1 }).then(
      () => undefined,
      (e: Error & { data?: { code: string; message: string } }) => e,
    );
    expect(error?.data?.code).toBe('PROTOCOL_MISMATCH');
    expect(error?.data?.message).toMatch(/reload/);
  });

  it('turns away a forged or expired access token with UNAUTHORIZED', async () => {
    const forged = (await server.access.mint({ role: 'admin' })).slice(0, -4) + 'AAAA';
    const expired = await server.access.mint({ role: 'producer' }, '-1s');
    for (const token of [forged, expired, 'not-a-token']) {
      const error = await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION, token }).then(
        () => undefined,
        (e: Error & { data?: { code: string; message: string } }) => e,
      );
      expect(error?.data?.code, token).toBe('UNAUTHORIZED');
    }
  });

  it('tells each client who it is: anonymous viewers, and the role and studio of a link', async () => {
    const viewer = await TestClient.connect(server.url);
    expect(await viewer.grant).toEqual({ role: 'viewer' });
    viewer.close();
    const studio = await TestClient.connectAs(server, { role: 'studio', studioId: 'moscow' });
    expect(await studio.grant).toEqual({ role: 'studio', studioId: 'moscow' });
    studio.close();
  });

  it('turns away a client that sends no version', async () => {
    const error = await TestClient.connect(server.url, {}).then(
      () => undefined,
      (e: Error & { data?: { code: string } }) => e,
    );
    expect(error?.data?.code).toBe('PROTOCOL_MISMATCH');
  });
});

describe('the event', () => {
  it('lists the demo studios, each with a live test-pattern feed of video and audio', async () => {
    const event = await client.ok('event:get', {});
    expect(event.studios.map((s) => s.name)).toEqual(['Singapore', 'Moscow', 'London']);
    expect(event.feeds).toHaveLength(3);
    for (const feed of event.feeds) {
      expect(feed.source).toBe('test-pattern');
      expect(feed.kinds).toEqual(['video', 'audio']);
    }
  });

  it('is also served over HTTP, with a health check', async () => {
    const event = await (await fetch(`${server.url}/api/event`)).json();
    expect(event.feeds).toHaveLength(3);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', workers: 2 });
    const missing = await fetch(`${server.url}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('NOT_FOUND');
  });

  it('writes into the app page how viewers get in and the capabilities a client would ask for', async () => {
    const page = await servedPageAt(server.url, '/channel/main');
    expect(page.viewers).toBe('anonymous');
    expect(page.rtpCapabilities).toEqual((await client.ok('media:capabilities', {})).rtpCapabilities);
    expect(JSON.stringify(page.rtpCapabilities)).toContain('video/VP8');
  });

  it('tells every client when a feed opens and closes', async () => {
    const watcher = await TestClient.connect(server.url);
    try {
      const seen: number[] = [];
      watcher.socket.on('feeds:changed', (feeds) => seen.push(feeds.length));
      const feed = await client.ok('feed:open', { studioId: 'moscow', label: 'Camera 2' });
      await expect.poll(() => seen.at(-1)).toBe(4);
      await client.ok('feed:close', { feedId: feed.id });
      await expect.poll(() => seen.at(-1)).toBe(3);
    } finally {
      watcher.close();
    }
  });

  it("closes a client's feeds when it disconnects", async () => {
    const publisher = await TestClient.connectAs(server, { role: 'studio', studioId: 'london' });
    await publisher.ok('feed:open', { studioId: 'london', label: 'Remote guest' });
    expect((await client.ok('event:get', {})).feeds).toHaveLength(4);
    publisher.close();
    await expect.poll(async () => (await client.ok('event:get', {})).feeds.length).toBe(3);
  });
});

describe('access', () => {
  it('lets a viewer watch but not publish or switch, with FORBIDDEN', async () => {
    const viewer = await TestClient.connect(server.url);
    try {
      expect((await viewer.ok('event:get', {})).channels.length).toBeGreaterThan(0);
      for (const [name, payload] of [
        ['feed:open', { studioId: 'london', label: 'Camera' }],
        ['feed:consume', { feedId: 'x', transportId: 'y', rtpCapabilities: {} }],
        ['program:take', { channelId: 'main', feedId: 'x' }],
        ['program:preview', { channelId: 'main', feedId: null }],
        ['program:backup', { channelId: 'main', feedId: null }],
      ] as const) {
        expect(await viewer.raw(name, payload), name).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      }
    } finally {
      viewer.close();
    }
  });

  it("lets a studio or guest watch its own studio's raw feeds but not another's, and a producer any", async () => {
    const feeds = (await client.ok('event:get', {})).feeds;
    const london = feeds.find((f) => f.studioId === 'london')!;
    const moscow = feeds.find((f) => f.studioId === 'moscow')!;
    const clients = {
      studio: await TestClient.connectAs(server, { role: 'studio', studioId: 'london' }),
      guest: await TestClient.connectAs(server, { role: 'guest', studioId: 'london' }),
      producer: await TestClient.connectAs(server, { role: 'producer' }),
    };
    // Allowed requests get past the scope check and stop at the made-up transport (NOT_FOUND).
    const consume = (who: TestClient, feedId: string) => who.raw('feed:consume', { feedId, transportId: 'no-such-transport', rtpCapabilities: {} });
    try {
      for (const who of [clients.studio, clients.guest]) {
        expect(await consume(who, moscow.id)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
        expect(await consume(who, london.id)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      }
      expect(await consume(clients.producer, moscow.id)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    } finally {
      for (const who of Object.values(clients)) who.close();
    }
  });

  it("keeps a studio's link to its own studio", async () => {
    const moscow = await TestClient.connectAs(server, { role: 'studio', studioId: 'moscow' });
    try {
      const refused = await moscow.request('feed:open', { studioId: 'london', label: 'Camera' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      const feed = await moscow.ok('feed:open', { studioId: 'moscow', label: 'Camera' });
      expect(feed.studioId).toBe('moscow');
    } finally {
      moscow.close();
    }
  });
});

describe('bad input', () => {
  it.each([
    ['a wrong type', 'transport:create', { direction: 42 }],
    ['a missing field', 'feed:open', { studioId: 'london' }],
    ['an unknown field', 'event:get', { admin: true }],
    ['a __proto__ key', 'feed:close', JSON.parse('{"feedId":"x","__proto__":{"polluted":true}}')],
    ['no payload at all', 'media:capabilities', undefined],
    ['an oversized label', 'feed:open', { studioId: 'london', label: 'x'.repeat(500) }],
  ])('answers %s with INVALID_REQUEST', async (_what, name, payload) => {
    const response = await client.raw(name, payload);
    expect(response.ok).toBe(false);
    if (!response.ok) expect(response.error.code).toBe('INVALID_REQUEST');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers ids that name nothing with NOT_FOUND', async () => {
    for (const [name, payload] of [
      ['feed:open', { studioId: 'atlantis', label: 'Camera' }],
      ['feed:close', { feedId: 'no-such-feed' }],
      ['transport:connect', { transportId: 'no-such-transport', dtlsParameters: {} }],
      ['consumer:resume', { consumerId: 'no-such-consumer' }],
    ] as const) {
      const response = await client.raw(name, payload);
      expect(response, name).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
  });

  it("will not let a client close someone else's feed", async () => {
    const { feeds } = await client.ok('event:get', {});
    const response = await client.request('feed:close', { feedId: feeds[0]!.id });
    expect(response).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await client.ok('event:get', {})).feeds).toHaveLength(3);
  });

  it('refuses invalid rtpParameters with INVALID_REQUEST, not a crash', async () => {
    const feed = await client.ok('feed:open', { studioId: 'london', label: 'Camera 3' });
    const transport = await client.ok('transport:create', { direction: 'send' });
    const response = await client.raw('feed:produce', {
      feedId: feed.id,
      transportId: transport.id,
      kind: 'video',
      rtpParameters: { codecs: 'none', encodings: [{ ssrc: 'x' }] },
    });
    expect(response).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    await client.ok('feed:close', { feedId: feed.id });
  });

  it('rejects a message over the size limit by dropping the connection, and keeps serving others', async () => {
    const flooder = await TestClient.connect(server.url);
    const dropped = new Promise((resolve) => flooder.socket.once('disconnect', resolve));
    void flooder.raw('feed:open', { studioId: 'london', label: 'x'.repeat(200_000) }).catch(() => undefined);
    await dropped;
    expect((await client.ok('event:get', {})).feeds).toHaveLength(3);
  });

  it('rate-limits a flood of requests with RATE_LIMITED and keeps serving', async () => {
    const flooder = await TestClient.connect(server.url);
    try {
      const responses = await Promise.all(Array.from({ length: 300 }, () => flooder.raw('event:get', {})));
      const limited = responses.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED').length;
      expect(limited).toBeGreaterThan(100);
      expect(responses.filter((r) => r.ok).length).toBeGreaterThanOrEqual(100);
      expect((await client.ok('event:get', {})).feeds).toHaveLength(3);
    } finally {
      flooder.close();
    }
  });
});
