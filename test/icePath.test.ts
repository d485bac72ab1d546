// Issue 22 item 5: nobody moves a viewer's media elsewhere with a spoofed STUN check. mediasoup is
// ICE-lite and follows any correctly signed check that carries USE-CANDIDATE, so one sent from
// another host than its client's (here 127.0.0.2; the client talks from 127.0.0.1) would send the
// media there. The server ends that client's media and tells it (`media:lost`), as after a worker's
// death, and its page makes new transports. A path nominated at another host than the signaling's
// (a TURN relay, a proxy) says nothing and may move, as may a path within the host.
import { expect } from 'vitest';
import type { types } from 'mediasoup';
import { serverTest } from './support/fixtures';
import { BINDING_SUCCESS, nominatePath } from './support/stun';
import type { TestClient, TestServer } from './support/server';

const test = serverTest({ WORKERS: '1', TEST_PATTERNS: 'false' });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A receive transport made by `client`, with the server's object for it and what an ICE check needs. */
async function receiveTransport(server: TestServer, client: TestClient) {
  const router = server.pool.workers[0]!.router;
  let made: types.WebRtcTransport | undefined;
  const onNew = (t: types.Transport) => (made = t as types.WebRtcTransport);
  router.observer.once('newtransport', onNew);
  const offered = (await client.ok('transport:create', { direction: 'recv' })) as {
    id: string;
    iceParameters: { usernameFragment: string; password: string };
    iceCandidates: Array<{ ip: string; port: number; protocol: string }>;
  };
  router.observer.off('newtransport', onNew);
  const udp = offered.iceCandidates.find((c) => c.protocol === 'udp');
  if (!made || made.id !== offered.id || !udp) throw new Error('no UDP WebRTC transport was made');
  return { transport: made, check: { to: { ip: udp.ip, port: udp.port }, ...offered.iceParameters } };
}

/** Resolves 'lost' when the client is told its media is gone. */
const mediaLost = (client: TestClient) => new Promise<'lost'>((resolve) => client.socket.once('media:lost', () => resolve('lost')));

test('ends the media of a client whose path is moved to another host, and tells it', async ({ server, clients }) => {
  const viewer = await clients.connect();
  const lost = mediaLost(viewer);
  const { transport, check } = await receiveTransport(server, viewer);
  expect(await nominatePath({ from: '127.0.0.1', ...check })).toBe(BINDING_SUCCESS);
  await expect.poll(() => transport.iceState).toBe('completed');
  expect(transport.iceSelectedTuple?.remoteIp).toBe('127.0.0.1');

  // The same check from another host, signed right (as by someone who learnt the credentials).
  expect(await nominatePath({ from: '127.0.0.2', ...check })).toBe(BINDING_SUCCESS);
  expect(await Promise.race([lost, sleep(5000).then(() => 'still on')])).toBe('lost');
  expect(transport.closed).toBe(true);

  // Its page starts over, on a new transport.
  const again = await viewer.ok('transport:create', { direction: 'recv' });
  expect(again.id).not.toBe(transport.id);
});

test('lets a path move within the host, or from where it was nominated when that was not the client', async ({ server, clients }) => {
  // A NAT gives the browser a new port: the same host.
  const local = await clients.connect();
  const localLost = mediaLost(local);
  const own = await receiveTransport(server, local);
  expect(await nominatePath({ from: '127.0.0.1', ...own.check })).toBe(BINDING_SUCCESS);
  await expect.poll(() => own.transport.iceState).toBe('completed');
  const firstPort = own.transport.iceSelectedTuple?.remotePort;
  expect(await nominatePath({ from: '127.0.0.1', ...own.check })).toBe(BINDING_SUCCESS);
  await expect.poll(() => own.transport.iceSelectedTuple?.remotePort).not.toBe(firstPort);

  // Nominated through a relay at another address than the signaling's (127.0.0.3, as TURN would be),
  // then moved: nothing tells whether the client is still there, so it is left alone.
  const relayed = await clients.connect();
  const relayedLost = mediaLost(relayed);
  const viaRelay = await receiveTransport(server, relayed);
  expect(await nominatePath({ from: '127.0.0.3', ...viaRelay.check })).toBe(BINDING_SUCCESS);
  await expect.poll(() => viaRelay.transport.iceState).toBe('completed');
  expect(await nominatePath({ from: '127.0.0.2', ...viaRelay.check })).toBe(BINDING_SUCCESS);
  await expect.poll(() => viaRelay.transport.iceSelectedTuple?.remoteIp).toBe('127.0.0.2');

  // Neither was ended (the first test shows an ending arrives well within this).
  expect(await Promise.race([localLost, relayedLost, sleep(2000).then(() => 'kept')])).toBe('kept');
  expect([own.transport.closed, viaRelay.transport.closed]).toEqual([false, false]);
});
