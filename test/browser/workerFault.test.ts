// kill -9 of the media worker that runs the channels' buses, in the middle of the broadcast: the
// viewers on it and the viewers on the other worker play the program again without a reload.
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { framesDecoded, isDecoding, isRed, screenshot, videoColourAt } from '../support/browser';
import { browserTest } from '../support/fixtures';

const test = browserTest({ WORKERS: '2' });

/** The bar: a viewer decodes again within 5 s of the kill. */
const RECOVERY_MS = 5_000;


test('plays the program again on every viewer within seconds after the worker with the buses is killed', async ({ server, pages }) => {
  const viewers: Page[] = [];
  for (let i = 0; i < 2; i++) {
    const page = await pages.open({ viewport: { width: 900, height: 700 } });
    await page.goto(`${server.url}/channel/main`);
    await expect.poll(() => framesDecoded(page), { timeout: 20_000 }).toBeGreaterThan(10);
    viewers.push(page);
  }
  // One viewer on each worker: the first has its transports where the buses run.
  expect(server.pool.workers.map((w) => server.pool.clientsOn(w))).toEqual([1, 1]);
  const marker = await Promise.all(viewers.map((p) => p.evaluate(() => ((window as unknown as { marker?: number }).marker = Math.random()))));

  process.kill(server.pool.ingest.worker.pid, 'SIGKILL');
  const killedAt = Date.now();
  // The players stall: nothing comes from the dead worker.
  await expect.poll(async () => (await Promise.all(viewers.map(isDecoding))).some((d) => !d), { timeout: 3_000 }).toBe(true);

  await Promise.all(
    viewers.map(async (page, i) => {
      await expect.poll(() => isDecoding(page), { timeout: RECOVERY_MS - (Date.now() - killedAt) }).toBe(true);
      console.log(`viewer ${i} decodes again ${Date.now() - killedAt} ms after the kill`);
      await expect.poll(() => videoColourAt(page, 0.05, 0.85).then(isRed), { timeout: 5_000 }).toBe(true);
      // The same page: no reload.
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(marker[i]);
    }),
  );
  await screenshot(viewers[0]!, 'viewer-after-worker-restart');
});
