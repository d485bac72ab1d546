// The signaling connection of a watching browser drops (a network blip), and later the server
// restarts. Through the blip the picture keeps playing on the same stream, without a new join;
// on the restart the page says the server is restarting and plays again by itself once it is back.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Socket as NetSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, transportCount, type TestServer } from '../support/server';
import { framesDecoded, isDecoding, launchBrowser, screenshot } from '../support/browser';

type Common = { connection: Record<'connected' | 'restarting', string> };
const locale = (lng: string) => JSON.parse(readFileSync(join(import.meta.dirname, `../../client/src/i18n/locales/${lng}/common.json`), 'utf8')) as Common;
const english = locale('en');
const german = locale('de');

let server: TestServer;
let browser: Browser;
// The server restarts on the same data: the directory is the test's.
const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-drop-'));

beforeAll(async () => {
  server = await startTestServer({ WORKERS: '1', DATA_DIR: dataDir });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});



it('keeps playing the same stream through a signaling drop, and comes back by itself after a restart', async () => {
  // Every WebSocket's TCP connection, to cut it as a broken network path would.
  const upgrades: NetSocket[] = [];
  server.httpServer.on('upgrade', (_request, socket: NetSocket) => upgrades.push(socket));
  const page = await browser.newPage({ viewport: { width: 900, height: 700 }, locale: 'en-US' });
  await page.goto(`${server.url}/channel/main`);
  await expect.poll(() => framesDecoded(page), { timeout: 20_000 }).toBeGreaterThan(10);
  expect(upgrades).toHaveLength(1);
  const withViewer = await transportCount(server);
  // Mark the stream being shown: a new join would bring another one.
  await page.evaluate(() => ((window as unknown as { shown?: unknown }).shown = document.querySelector('video')!.srcObject));

  upgrades[0]!.destroy();
  // The page notices and connects again by itself.
  await expect.poll(() => upgrades.length, { timeout: 10_000 }).toBe(2);
  await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 10_000 }).toBe(english.connection.connected);
  for (let i = 0; i < 4; i++) expect(await isDecoding(page)).toBe(true);
  expect(await page.evaluate(() => document.querySelector('video')!.srcObject === (window as unknown as { shown?: unknown }).shown)).toBe(true);
  expect(await page.getByTestId('player').getAttribute('data-state')).toBe('playing');
  // The server made nothing new for it: the same transport carries on.
  expect(await transportCount(server)).toBe(withViewer);

  // A restart, in German: the page says so, then plays again on its own when the server is back.
  await page.getByTestId('ui-language').selectOption('de');
  await expect.poll(() => page.getByRole('status').first().textContent()).toBe(german.connection.connected);
  const port = new URL(server.url).port;
  const { rtcPort } = server;
  await server.close('restart');
  await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 10_000 }).toBe(german.connection.restarting);
  await expect.poll(() => page.getByTestId('player').getAttribute('data-state')).toBe('offline');
  await screenshot(page, 'viewer-server-restarting');
  server = await startTestServer({ DATA_DIR: dataDir, WORKERS: '1', PORT: port, RTC_PORT: String(rtcPort) });
  await expect.poll(() => page.locator('.connection').textContent(), { timeout: 15_000 }).toBe(german.connection.connected);
  expect(await page.getByRole('alert').count()).toBe(0);
  await expect.poll(() => isDecoding(page), { timeout: 20_000 }).toBe(true);
  await page.close();
});
