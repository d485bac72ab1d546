// Issue 22 item 5: silent peers are timed out. A receive transport whose peer sends nothing (no STUN
// consent check, no RTCP report) for SILENT_PEER_SECONDS is closed with its consumers, though the
// client's socket lives on; a real browser watching, which sends both every few seconds, keeps
// playing long past that time.
import { expect } from 'vitest';
import { PROTOCOL_VERSION } from '@hybrid-stage/shared';
import { browserTest } from '../support/fixtures';
import { isDecoding } from '../support/browser';

const test = browserTest({ WORKERS: '1', SILENT_PEER_SECONDS: '3' });

/** Ids of the WebRTC transports on the worker's router. */
async function transportIds(server: { pool: { workers: ReadonlyArray<{ router: { dump(): Promise<unknown> } }> } }): Promise<string[]> {
  return ((await server.pool.workers[0]!.router.dump()) as { transportIds: string[] }).transportIds;
}

test('closes the receive transport of a peer that went silent, and keeps a watching browser playing', { timeout: 120_000 }, async ({ server, clients, pages }) => {
  await expect.poll(() => server.channels.bus('main').state().program, { timeout: 10_000 }).not.toBeNull();
  // A browser watching the main channel.
  const page = await pages.open();
  await page.goto(`${server.url}/channel/main`);
  await expect.poll(() => page.getByTestId('player').getAttribute('data-state'), { timeout: 30_000 }).toBe('playing');
  const withBrowser = await transportIds(server);

  // A client that makes a receive transport and consumes the program, but whose peer never sends a
  // packet (as one whose network went away): its socket stays connected.
  const silent = await clients.connect({ protocolVersion: PROTOCOL_VERSION });
  const { rtpCapabilities } = await silent.ok('media:capabilities', {});
  const transport = await silent.ok('transport:create', { direction: 'recv' });
  const { consumers } = await silent.ok('program:consume', { channelId: 'main', transportId: transport.id, rtpCapabilities });
  expect(consumers).toHaveLength(2);
  expect(await transportIds(server)).toContain(transport.id);

  await expect.poll(() => transportIds(server), { timeout: 15_000, interval: 500 }).not.toContain(transport.id);
  expect(silent.socket.connected).toBe(true);
  // Its consumers went with it.
  expect(await silent.request('consumer:resume', { consumerId: consumers[0]!.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

  // The browser has been watching for longer than the silence allowed, and still is, on the same transports.
  await new Promise((r) => setTimeout(r, 4000));
  const now = await transportIds(server);
  for (const id of withBrowser) expect(now).toContain(id);
  // (Polled: chromium on a loaded machine may decode in bursts.)
  await expect.poll(() => isDecoding(page), { timeout: 20_000 }).toBe(true);
});
