// Fan-out across workers: viewers are spread over every worker, and a viewer on a worker other
// than the one where the channel's bus runs decodes the program piped to it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { isRed, launchBrowser, videoColourAt, videoProgress } from '../support/browser';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ WORKERS: '2' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('spreads viewers over both workers and plays the program piped to the second', async () => {
  const [first, second] = server.pool.workers as [typeof server.pool.ingest, typeof server.pool.ingest];
  // The channels' buses run on the ingest worker's router.
  expect(server.channels.bus('main').router).toBe(first.router);
  const clients = () => [server.pool.clientsOn(first), server.pool.clientsOn(second)];

  const viewers: Page[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    await page.goto(`${server.url}/channel/main`);
    await expect.poll(async () => (await videoProgress(page)).frames, { timeout: 20_000 }).toBeGreaterThan(0);
    viewers.push(page);
  }
  // Placed in turn: first, second, first. The second viewer's program crosses a pipe.
  expect(clients()).toEqual([2, 1]);

  for (const page of viewers) {
    const before = (await videoProgress(page)).frames;
    await expect.poll(async () => (await videoProgress(page)).frames, { timeout: 10_000 }).toBeGreaterThan(before + 25);
    await expect.poll(() => videoColourAt(page, 0.05, 0.85).then(isRed), { timeout: 5_000 }).toBe(true);
  }

  // A viewer who leaves frees its place, so the next one goes where there is room.
  await viewers[1]!.close();
  await expect.poll(clients, { timeout: 10_000 }).toEqual([2, 0]);
});
