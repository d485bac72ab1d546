// The watch page's other two ways onto HLS, in a real browser: a server with no WebRTC seat left
// (MAX_WEBRTC_VIEWERS=1, a second viewer refused with SERVER_FULL) sends the page to HLS and says
// why; and a viewer who chooses "Play over HLS" gets it, keeps it after a reload (stored in the
// browser), and goes back with "Play in real time".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { browserTest } from '../support/fixtures';
import { videoProgress } from '../support/browser';

const english = JSON.parse(readFileSync(join(import.meta.dirname, '../../client/src/i18n/locales/en/viewer.json'), 'utf8')) as {
  path: { full: string; useHls: string; useRealTime: string };
};

const test = browserTest({ WORKERS: '1', HLS_CHANNELS: 'main', MAX_WEBRTC_VIEWERS: '1', CLIENT_GRACE_MS: '0' });

const player = '[data-testid="player"]';
/** Loading the page while two players decode may take longer than playwright's 30 s on a loaded machine. */
const LOAD = { timeout: 60_000 };

/** The path the page's badge names, once the picture plays on it (the 640x360 test pattern). */
async function playsOver(page: Page, path: 'webrtc' | 'hls'): Promise<void> {
  await expect.poll(() => page.getByTestId('path-badge').getAttribute('data-path'), { timeout: 20_000 }).toBe(path);
  await expect.poll(async () => (await videoProgress(page, player)).width, { timeout: 45_000 }).toBe(640);
  const { frames } = await videoProgress(page, player);
  await expect.poll(async () => (await videoProgress(page, player)).frames, { timeout: 15_000 }).toBeGreaterThan(frames + 10);
}

test('a full server sends the next viewer to HLS; a viewer may choose HLS, keeps it after a reload, and goes back', async ({ server, pages }) => {
  const first = await pages.open();
  await first.goto(`${server.url}/channel/main`, LOAD);
  await playsOver(first, 'webrtc');

  // The one seat is taken: the second viewer is refused and plays HLS, and the page says why.
  const second = await pages.open();
  await second.goto(`${server.url}/channel/main`, LOAD);
  await expect.poll(() => second.getByTestId('fallback-note').textContent(), { timeout: 20_000 }).toBe(english.path.full);
  await playsOver(second, 'hls');

  // The first viewer chooses HLS; the choice outlives a reload.
  const choice = first.getByTestId('path-choice');
  expect(await choice.textContent()).toBe(english.path.useHls);
  await choice.click();
  await playsOver(first, 'hls');
  expect(await first.getByTestId('fallback-note').count()).toBe(0);
  await first.reload(LOAD);
  await playsOver(first, 'hls');

  // And back to real time (its seat was given back when it left WebRTC, and is free again).
  expect(await choice.textContent()).toBe(english.path.useRealTime);
  await choice.click();
  await playsOver(first, 'webrtc');
}, 240_000);
