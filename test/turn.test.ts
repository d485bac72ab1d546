// TURN with time-limited credentials: with TURN_URLS and TURN_SECRET set, every WebRTC transport
// a client makes comes with TURN servers and a credential the server minted for it (TURN REST
// API); a real coturn (use-auth-secret, TCP and TLS listeners) allocates a relay with it, and
// refuses one that expired or was forged.
import { test as base, expect } from 'vitest';
import { mintTurnCredential } from '@hybrid-stage/server';
import { TestCoturn } from './support/coturn';
import { startTestServer, TestClient, type TestServer } from './support/server';
import { turnAllocate } from './support/turnClient';

const test = base
  .extend('coturn', { scope: 'file' }, async ({}, { onCleanup }): Promise<TestCoturn> => {
    const coturn = await TestCoturn.start();
    onCleanup(() => coturn.close());
    return coturn;
  })
  .extend('server', { scope: 'file' }, async ({ coturn }, { onCleanup }): Promise<TestServer> => {
    const server = await startTestServer({
      WORKERS: '1',
      TEST_PATTERNS: 'false',
      TURN_URLS: `${coturn.tcpUrl},${coturn.tlsUrl}`,
      TURN_SECRET: coturn.secret,
      TURN_CREDENTIAL_HOURS: '2',
    });
    onCleanup(() => server.close());
    return server;
  });

test("a client's transports come with TURN servers and a credential coturn accepts, over TCP and over TLS", async ({ coturn, server }) => {
  const viewer = await TestClient.connect(server.url);
  try {
    const before = Math.floor(Date.now() / 1000);
    const transport = await viewer.ok('transport:create', { direction: 'recv' });
    expect(transport.iceServers).toHaveLength(1);
    const [turn] = transport.iceServers;
    expect(turn!.urls).toEqual([coturn.tcpUrl, coturn.tlsUrl]);
    // expiry:clientId, valid the configured two hours.
    const [expiry, clientId] = turn!.username.split(':');
    expect(Number(expiry)).toBeGreaterThanOrEqual(before + 2 * 3600);
    expect(Number(expiry)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 2 * 3600);
    expect(clientId).toMatch(/^[0-9a-f]{12}$/);

    const { username, credential } = turn!;
    const overTcp = await turnAllocate({ host: coturn.host, port: coturn.tcpPort, username, credential });
    expect(overTcp, coturn.log).toMatchObject({ ok: true, relayed: { address: '127.0.0.1' } });
    const overTls = await turnAllocate({ host: coturn.host, port: coturn.tlsPort, tlsCa: coturn.ca, username, credential });
    expect(overTls, coturn.log).toMatchObject({ ok: true, relayed: { address: '127.0.0.1' } });

    // The same client's send transport is the same client to coturn; an ICE restart brings a fresh credential.
    const send = await viewer.ok('transport:create', { direction: 'send' });
    expect(send.iceServers[0]!.username.split(':')[1]).toBe(clientId);
    await new Promise((r) => setTimeout(r, 1100));
    const restarted = await viewer.ok('transport:restartIce', { transportId: transport.id });
    expect(Number(restarted.iceServers[0]!.username.split(':')[0])).toBeGreaterThan(Number(expiry));
    const again = await turnAllocate({ host: coturn.host, port: coturn.tcpPort, ...restarted.iceServers[0]! });
    expect(again.ok, coturn.log).toBe(true);

    // Another client is another user.
    const other = await TestClient.connect(server.url);
    const theirs = await other.ok('transport:create', { direction: 'recv' });
    other.close();
    expect(theirs.iceServers[0]!.username.split(':')[1]).not.toBe(clientId);
  } finally {
    viewer.close();
  }
});

// coturn alone, with credentials minted here as the server mints them: no server needed.
test('coturn refuses a credential that expired or was forged', async ({ coturn }) => {
  const now = Math.floor(Date.now() / 1000);
  const at = (credential: { username: string; credential: string }) => turnAllocate({ host: coturn.host, port: coturn.tcpPort, ...credential });

  // The control: minted as the server mints, it is taken.
  expect((await at(mintTurnCredential(coturn.secret, 'control', now + 600))).ok, coturn.log).toBe(true);

  // Expired a minute ago, though correctly signed.
  expect(await at(mintTurnCredential(coturn.secret, 'late', now - 60))).toMatchObject({ ok: false, code: 401 });
  // Its expiry moved a day on by hand: the password no longer matches the username.
  const stale = mintTurnCredential(coturn.secret, 'late', now - 60);
  expect(await at({ username: `${now + 86_400}:late`, credential: stale.credential })).toMatchObject({ ok: false, code: 401 });
  // Signed with another secret.
  expect(await at(mintTurnCredential('not-the-servers-secret-at-all', 'forger', now + 600))).toMatchObject({ ok: false, code: 401 });
  // A plain static password, as if TURN had one.
  expect(await at({ username: 'admin', credential: coturn.secret })).toMatchObject({ ok: false, code: 401 });
  // Over TLS the same.
  expect(await turnAllocate({ host: coturn.host, port: coturn.tlsPort, tlsCa: coturn.ca, ...mintTurnCredential(coturn.secret, 'late', now - 60) })).toMatchObject({
    ok: false,
    code: 401,
  });
});
