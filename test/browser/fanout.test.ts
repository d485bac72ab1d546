// Fan-out across workers: viewers are spread over every worker, and a viewer on a worker other
// than the one where the channel's bus runs decodes the program piped to it.
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { isRed, videoColourAt, videoProgress } from '../support/browser';
import { browserTest } from '../support/fixtures';

const test = browserTest({ WORKERS: '2' });

test('spreads viewers over both workers and plays the program piped to the second', async ({ server, pages }) => {
  const [first, second] = server.pool.workers as [typeof server.pool.ingest, typeof server.pool.ingest];
  // The channels' buses run on the ingest worker's router.
  expect(server.channels.bus('main').router).toBe(first.router);
  const clients = () => [server.pool.clientsOn(first), server.pool.clientsOn(second)];

  const viewers: Page[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await pages.open({ viewport: { width: 800, height: 600 } });
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
