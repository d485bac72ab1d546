// Media through mediasoup into a real browser: Debian's chromium decodes what the SFU relays.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { launchBrowser, screenshot, videoColourAt, videoProgress } from '../support/browser';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('plays a studio test pattern from the home page', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(server.url);
  await page.getByRole('link', { name: /London test pattern/ }).click();
  await expect.poll(() => videoProgress(page), { timeout: 20_000 }).toMatchObject({ width: 640, height: 360 });
  const before = (await videoProgress(page)).frames;
  await expect.poll(async () => (await videoProgress(page)).frames, { timeout: 10_000 }).toBeGreaterThan(before + 25);
  // The left bar of ffmpeg's testsrc2 is red, so this is the pattern's picture, not a black frame.
  const [r, g, b] = await videoColourAt(page, 0.05, 0.85);
  expect(r).toBeGreaterThan(150);
  expect(g).toBeLessThan(100);
  expect(b).toBeLessThan(100);
  await expect.poll(() => page.getByTestId('stats').textContent()).toMatch(/640×360/);
  await screenshot(page, 'test-pattern-playing');
  await page.close();
});

it("relays one browser's camera to another browser", async () => {
  const studio = await browser.newPage();
  await studio.goto(`${server.url}/studio/moscow`);
  await studio.getByRole('textbox', { name: 'Feed name' }).fill('Moscow camera');
  await studio.getByRole('button', { name: 'Go live' }).click();
  await expect.poll(() => studio.getByTestId('publish-state').textContent(), { timeout: 20_000 }).toMatch(/Live/);

  const viewer = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await viewer.goto(server.url);
  await viewer.getByRole('link', { name: /Moscow camera/ }).click();
  await expect.poll(async () => (await videoProgress(viewer)).width, { timeout: 20_000 }).toBeGreaterThan(0);
  const before = (await videoProgress(viewer)).frames;
  await expect.poll(async () => (await videoProgress(viewer)).frames, { timeout: 10_000 }).toBeGreaterThan(before + 25);
  await screenshot(viewer, 'camera-relayed');

  // Ending the feed tells the viewer.
  await studio.getByRole('button', { name: 'End feed' }).click();
  await expect.poll(() => viewer.getByRole('status').filter({ hasText: 'ended' }).count(), { timeout: 10_000 }).toBe(1);
  await studio.close();
  await viewer.close();
});
