// A worker's WebRtcServer closed while a viewer's browser is connected through it: the worker must
// live on. The product itself never closes one under a live worker (a stop closes the worker, whose
// routers, and so transports, go first), but a future path might (an edge leaving a cluster, a
// worker drained by hand), and the patched worker and the pool are ready for it. mediasoup 3.12.16 as published aborted
// the whole worker here (upstream issue #1388: the server freed its sockets before closing the
// transports, whose DTLS close alert then went out through a freed socket), so every viewer, the
// channels' buses and the ingest on that worker went down with it; the build patches it
// (server/setup/worker-patches/0002). The pool opens a new server on the same port, the viewer is
// told its media is lost and plays again without a reload, and the product's shutdown then closes
// the worker rather than finding it dead.
//
// Against the unpatched worker (MEDIASOUP_WORKER_BIN=…/3.12.16-b2-linux-x64/mediasoup-worker) it
// fails: dump() rejects with "Channel closed" and the pool replaces the dead worker.
import { expect } from 'vitest';
import { framesDecoded, isDecoding } from './support/browser';
import { browserTest } from './support/fixtures';
import { TestClient } from './support/server';

const test = browserTest({ WORKERS: '1' });


test('closing the WebRTC server under a connected viewer leaves the worker alive, serving the viewer again, until shutdown closes it', async ({ server, pages }) => {
  const page = await pages.open({ viewport: { width: 900, height: 700 } });
  await page.goto(`${server.url}/channel/main`);
  await expect.poll(() => framesDecoded(page), { timeout: 20_000 }).toBeGreaterThan(10);
  const marker = await page.evaluate(() => ((window as unknown as { marker?: number }).marker = Math.random()));

  const before = server.pool.workers[0]!;
  const { worker, router } = before;
  let died = false;
  worker.on('died', () => (died = true));
  // The viewer is connected through the server: its transports are there, with an ICE tuple chosen.
  const dump = await before.webRtcServer.dump();
  expect(dump.webRtcTransportIds.length).toBeGreaterThan(0);
  expect(dump.tupleHashes.length).toBeGreaterThan(0);

  // A client that has asked for the media capabilities but made no transport yet: placed on this
  // worker too, and told its media is lost like the viewer, so its next transport is on the new server.
  const early = await TestClient.connect(server.url);
  await early.ok('media:capabilities', {});
  const earlyLost = early.next('media:lost', () => true, 10_000);

  before.webRtcServer.close();
  await earlyLost;

  // The worker lives: it answers, still has its router, and was not replaced.
  await expect(worker.dump()).resolves.toMatchObject({ pid: worker.pid, routerIds: [router.id] });
  expect(died).toBe(false);
  // The pool opened a new server on the same port for the same worker.
  await expect.poll(() => server.pool.workers[0] !== before, { timeout: 10_000 }).toBe(true);
  const after = server.pool.workers[0]!;
  expect(after.worker).toBe(worker);
  expect(after.router).toBe(router);
  expect(after.webRtcServer.closed).toBe(false);
  expect((await after.webRtcServer.dump()).udpSockets).toEqual([{ ip: '127.0.0.1', port: server.rtcPort }]);

  // The viewer was told its media was lost and plays again through the new server, same page.
  await expect.poll(() => isDecoding(page), { timeout: 20_000 }).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(marker);
  expect(server.pool.clientsOn(after)).toBe(1);
  expect((await after.webRtcServer.dump()).tupleHashes.length).toBeGreaterThan(0);
  expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok', workers: 1 });
  await early.ok('transport:create', { direction: 'recv' });
  early.close();

  // The product's shutdown, the viewer still connected: the worker is closed, never found dead.
  await server.close();
  expect(worker.closed).toBe(true);
  expect(died).toBe(false);
}, 120_000);
