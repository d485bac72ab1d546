// The viewer in a real browser: plays the main channel, switches channel without a reload, shows
// only the chosen caption language, turns right to left in Arabic, passes axe, and recovers by
// itself when the server is killed and started again on the same data and ports. Venue screens too.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freePortRun } from '../support/ports';
import { startTestServer, type TestServer } from '../support/server';
import { UdpRelay } from '../support/UdpRelay';
import { axeViolations, launchBrowser, screenshot, videoProgress } from '../support/browser';

const english = JSON.parse(readFileSync(join(import.meta.dirname, '../../client/src/i18n/locales/en/common.json'), 'utf8')) as {
  player: { interrupted: string };
};
const arabic = JSON.parse(readFileSync(join(import.meta.dirname, '../../client/src/i18n/locales/ar/common.json'), 'utf8')) as {
  player: { offline: string };
  nav: { watch: string };
};

let dataDir: string;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-viewer-'));
  server = await startTestServer({ DATA_DIR: dataDir, WORKERS: '1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Frames the page's player has decoded, once it plays a picture. */
async function framesAfterPlaying(page: Page): Promise<number> {
  await expect.poll(() => page.getByTestId('player').getAttribute('data-state'), { timeout: 20_000 }).toBe('playing');
  await expect.poll(async () => (await videoProgress(page, '[data-testid="player"]')).width, { timeout: 20_000 }).toBe(640);
  return (await videoProgress(page, '[data-testid="player"]')).frames;
}

/** Waits until the player decodes `more` frames beyond what it had. */
async function decodesMore(page: Page, more = 25) {
  const before = await framesAfterPlaying(page);
  await expect.poll(async () => (await videoProgress(page, '[data-testid="player"]')).frames, { timeout: 15_000 }).toBeGreaterThan(before + more);
}

/** Sends cues through the HTTP ingest, as a captioning provider would. */
async function ingest(channelId: string, cues: Array<{ id: string; language: string; text: string }>) {
  const token = await server.access.mint({ role: 'captioner', channelId, languages: ['en', 'ja'] });
  const now = Date.now();
  const response = await fetch(`${server.url}/api/channels/${channelId}/captions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ cues: cues.map((c) => ({ ...c, startMs: now, endMs: now + 20_000 })) }),
  });
  expect(response.status).toBe(200);
}

it('plays, switches channel without reloading, shows only Japanese captions, runs right to left in Arabic, and recovers after a server restart', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await page.goto(`${server.url}/channel/main`);
  await decodesMore(page);
  await expect.poll(() => page.getByTestId('on-air-badge').textContent()).toBe('LIVE');
  await expect.poll(() => page.getByTestId('now-playing').textContent()).toMatch(/^Now.+/);
  // A mark on the window: gone if anything reloads the page.
  await page.evaluate(() => Object.assign(window, { viewerMark: 'same page' }));

  // The channel list switches channels in place.
  await page.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: /Europe/ }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Europe');
  expect(new URL(page.url()).pathname).toBe('/channel/europe');
  await decodesMore(page);
  await expect.poll(() => page.getByRole('link', { name: /Europe/ }).first().getAttribute('aria-current')).toBe('page');

  // Japanese captions: a Japanese and an English cue sent at the same moment; only the Japanese shows.
  await page.getByLabel('Captions').selectOption('ja');
  await ingest('europe', [
    { id: 'viewer-ja-1', language: 'ja', text: 'ヨーロッパのパートナーの皆さん、こんにちは' },
    { id: 'viewer-en-1', language: 'en', text: 'Hello, partners in Europe' },
  ]);
  await expect.poll(() => page.getByTestId('captions').textContent(), { timeout: 10_000 }).toBe('ヨーロッパのパートナーの皆さん、こんにちは');
  await new Promise((r) => setTimeout(r, 1000));
  expect(await page.getByTestId('captions').textContent()).not.toContain('Hello');
  expect(await page.getByTestId('captions').getAttribute('lang')).toBe('ja');
  await page.getByText('Statistics').waitFor();
  await expect.poll(() => page.getByTestId('stats').textContent(), { timeout: 10_000 }).toMatch(/640×360/);
  await screenshot(page, 'viewer-watch-english');

  // The watch page passes axe's WCAG A/AA rules: no serious or critical violations.
  expect(await axeViolations(page)).toEqual([]);

  // Arabic UI: the whole page turns right to left, texts are Arabic.
  await page.getByTestId('ui-language').selectOption('ar');
  await expect.poll(() => page.evaluate(() => [document.documentElement.dir, document.documentElement.lang])).toEqual(['rtl', 'ar']);
  await expect.poll(() => page.getByRole('link', { name: arabic.nav.watch }).count()).toBe(1);
  const captionsBox = await page.getByTestId('captions').boundingBox();
  const listBox = await page.getByRole('navigation').last().boundingBox();
  const playerBox = await page.getByTestId('player').boundingBox();
  // The channel list sits on the left of the player in right-to-left layout.
  expect(listBox!.x).toBeLessThan(playerBox!.x);
  expect(captionsBox).not.toBeNull();
  await screenshot(page, 'viewer-watch-arabic');
  expect(await axeViolations(page)).toEqual([]);

  // Kill the server; the player says it is reconnecting. Start a new one on the same data and ports.
  const port = new URL(server.url).port;
  const rtcPort = server.rtcPort;
  await server.close();
  await expect.poll(() => page.getByTestId('player').getAttribute('data-state'), { timeout: 15_000 }).toBe('offline');
  expect(await page.locator('.player [role="status"]').textContent()).toBe(arabic.player.offline);
  server = await startTestServer({ DATA_DIR: dataDir, WORKERS: '1', PORT: port, RTC_PORT: String(rtcPort) });
  await decodesMore(page);
  expect(await page.evaluate(() => (window as unknown as { viewerMark?: string }).viewerMark)).toBe('same page');
  expect(new URL(page.url()).pathname).toBe('/channel/europe');
  await page.close();
});

it('shows a channel full screen on a venue screen, with Japanese captions and the next sessions, without controls', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
  await page.goto(`${server.url}/kiosk/main?captions=ja&lang=ja`);
  await decodesMore(page);
  const box = await page.getByTestId('player').boundingBox();
  expect(box!.width).toBe(1280);
  await ingest('main', [
    { id: 'kiosk-ja-1', language: 'ja', text: 'ようこそ、メインステージへ' },
    { id: 'kiosk-en-1', language: 'en', text: 'Welcome to the main stage' },
  ]);
  await expect.poll(() => page.getByTestId('captions').textContent(), { timeout: 10_000 }).toBe('ようこそ、メインステージへ');
  // The "next up" strip lists the agenda's sessions on this channel, the one on air first.
  const strip = page.getByRole('complementary');
  await expect.poll(() => strip.locator('li').count()).toBeGreaterThanOrEqual(2);
  expect(await strip.locator('li').first().textContent()).toMatch(/^放送中/);
  expect(await page.locator('button, select, input').count()).toBe(0);
  await screenshot(page, 'viewer-kiosk-japanese');
  await page.close();
});

/** Presses Tab until the focused element's text is `text` (at most 60 times); false if never. */
async function tabTo(page: Page, text: string): Promise<boolean> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')).startsWith(text)) return true;
  }
  return false;
}

it('works with the keyboard alone: skip link, sound, channel switching', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await page.goto(`${server.url}/channel/main`);
  await framesAfterPlaying(page);
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
  expect(await tabTo(page, 'Unmute')).toBe(true);
  await page.keyboard.press('Space');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Mute');
  expect(await page.getByTestId('player').evaluate((v) => (v as HTMLVideoElement).muted)).toBe(false);
  expect(await tabTo(page, 'Middle East')).toBe(true);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Middle East');
  await decodesMore(page);
  await page.close();
});

it('restarts ICE when the network path breaks, and keeps playing the same stream without joining again', async () => {
  // The browser reaches the SFU only through a relay, so the test can break its network path.
  const rtcPort = await freePortRun(1);
  const relay = await UdpRelay.start({ ip: '127.0.0.1', port: rtcPort }, { ip: '127.0.0.2', port: rtcPort });
  const behindRelay = await startTestServer({ WORKERS: '1', RTC_PORT: String(rtcPort), RTC_LISTEN_IP: '127.0.0.2', ANNOUNCED_IP: '127.0.0.1' });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await page.goto(`${behindRelay.url}/channel/main`);
    await decodesMore(page);
    await page.evaluate(() => Object.assign(window, { firstStream: document.querySelector<HTMLVideoElement>('video[data-testid="player"]')!.srcObject }));
    expect(relay.paths).toBeGreaterThan(0);

    relay.cut();
    await expect.poll(() => page.getByTestId('player').getAttribute('data-state'), { timeout: 30_000 }).toBe('interrupted');
    expect(await page.locator('.player [role="status"]').textContent()).toBe(english.player.interrupted);
    // ICE restarts over a new path: playing again with the same stream (a re-join would bring a new one).
    await expect.poll(() => page.getByTestId('player').getAttribute('data-state'), { timeout: 10_000 }).toBe('playing');
    expect(await page.evaluate(() => document.querySelector<HTMLVideoElement>('video[data-testid="player"]')!.srcObject === (window as unknown as { firstStream: MediaStream }).firstStream)).toBe(true);
    await decodesMore(page);
    await page.close();
  } finally {
    await behindRelay.close();
    relay.close();
  }
});
