// kill -9 of the media worker under a studio that is on air from the browser: the studio page
// publishes its camera again by itself, and the channel's program carries it again, no click needed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { ChannelState } from '@hybrid-stage/shared';
import { isVp8KeyFrame } from '../../server/src/media/rtp';
import { startTestServer, TestClient, type TestServer } from '../support/server';
import { Sink } from '../support/rtpSink';
import { launchBrowser, screenshot } from '../support/browser';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  // One worker, no test patterns: the studio's camera is the only thing that can be on air.
  server = await startTestServer({ WORKERS: '1', TEST_PATTERNS: 'false' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A consumer of a channel's program video, on the bus as it is now. */
async function programVideo(channelId: string): Promise<Sink> {
  const bus = server.channels.bus(channelId);
  return Sink.of(bus.router, bus.producers.video);
}

it('republishes the camera after the worker under it dies, and the channel carries it again', async () => {
  const studio = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  await studio.goto(`${server.url}/studio/london?token=${await server.access.mint({ role: 'studio', studioId: 'london' })}`);
  await studio.getByRole('textbox', { name: 'Feed name' }).fill('London camera');
  await studio.getByRole('button', { name: 'Go live' }).click();
  await studio.getByTestId('publish-state').filter({ hasText: /Publishing · \d+ kbit\/s out/ }).waitFor({ timeout: 20_000 });

  const producer = await TestClient.connectAs(server, { role: 'producer' });
  const feed = (await producer.ok('event:get', {})).feeds.find((f) => f.label === 'London camera')!;
  await producer.ok('program:take', { channelId: 'main', feedId: feed.id });
  await expect.poll(() => studio.getByTestId('tally').textContent(), { timeout: 10_000 }).toBe('ON AIR · Main stage');
  const before = await programVideo('main');
  await expect.poll(() => before.packets.filter((p) => isVp8KeyFrame(p.payload)).length, { timeout: 10_000 }).toBeGreaterThan(0);
  before.close();

  const back = producer.next('channel:changed', (c: ChannelState) => c.id === 'main' && c.program === feed.id && c.cuts[0]?.reason === 'recovery', 15_000);
  process.kill(server.pool.ingest.worker.pid, 'SIGKILL');
  await back;
  // The page publishes its camera and microphone again into the same feed.
  await expect
    .poll(async () => (await producer.ok('event:get', {})).feeds.find((f) => f.id === feed.id)?.kinds.sort(), { timeout: 15_000 })
    .toEqual(['audio', 'video']);
  // The camera's pictures reach the program again: the page published them anew into the same feed.
  const after = await programVideo('main');
  await expect.poll(() => after.packets.filter((p) => isVp8KeyFrame(p.payload)).length, { timeout: 15_000 }).toBeGreaterThan(0);
  const counted = after.packets.length;
  await expect.poll(() => after.packets.length, { timeout: 5_000 }).toBeGreaterThan(counted + 50);
  after.close();
  await expect.poll(() => studio.getByTestId('tally').textContent(), { timeout: 10_000 }).toBe('ON AIR · Main stage');
  await studio.getByTestId('publish-state').filter({ hasText: /Publishing · [1-9]\d* kbit\/s out/ }).waitFor({ timeout: 10_000 });
  await screenshot(studio, 'studio-after-worker-restart');
  producer.close();
  await studio.close();
});
