// The producer's console in real browsers: three studios publish pictures of different colours, a
// producer previews and takes them, and a viewer of the main channel sees the picture change.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { launchBrowser, screenshot, videoColourAt, videoProgress } from '../support/browser';

/** Each studio's camera shows one colour, as chromium's fake camera playing a Y4M file. */
const STUDIOS = [
  { id: 'singapore', feed: 'Singapore red', colour: 'red', rgb: [255, 0, 0] },
  { id: 'moscow', feed: 'Moscow green', colour: 'lime', rgb: [0, 255, 0] },
  { id: 'london', feed: 'London blue', colour: 'blue', rgb: [0, 0, 255] },
] as const;

let server: TestServer;
let dir: string;
const browsers: Browser[] = [];
const studioPages = new Map<string, Page>();

beforeAll(async () => {
  server = await startTestServer({ TEST_PATTERNS: 'false' });
  dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-cameras-'));
  for (const studio of STUDIOS) {
    const file = join(dir, `${studio.id}.y4m`);
    execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', `color=c=${studio.colour}:s=320x180:r=15`, '-t', '2', '-pix_fmt', 'yuv420p', file]);
    const browser = await launchBrowser([`--use-file-for-fake-video-capture=${file}`]);
    browsers.push(browser);
    const page = await browser.newPage();
    const token = await server.access.mint({ role: 'studio', studioId: studio.id });
    await page.goto(`${server.url}/studio/${studio.id}?token=${token}`);
    await page.getByRole('textbox', { name: 'Feed name' }).fill(studio.feed);
    await page.getByRole('button', { name: 'Go live' }).click();
    await page.getByTestId('publish-state').filter({ hasText: 'Publishing' }).waitFor({ timeout: 20_000 });
    studioPages.set(studio.id, page);
  }
  browsers.push(await launchBrowser());
});

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Whether a measured colour is the studio's colour: its own channel high, the others low. */
function looksLike(rgb: readonly number[], measured: number[]): boolean {
  return rgb.every((c, i) => (c > 128 ? measured[i]! > 150 : measured[i]! < 100));
}

it('cuts the main channel between studios for every viewer, from two consoles', async () => {
  const browser = browsers.at(-1)!;
  const producerToken = await server.access.mint({ role: 'producer' });
  const viewer = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  await viewer.goto(`${server.url}/channel/main`);
  const consoles = [];
  for (let i = 0; i < 2; i++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${server.url}/console?token=${producerToken}`);
    consoles.push(page);
  }
  const [console1, console2] = consoles as [Page, Page];
  // The URL no longer shows the token once the page has taken it.
  expect(console1.url()).not.toContain('token=');
  await expect.poll(() => console1.locator('.feed-tile').count(), { timeout: 20_000 }).toBe(3);

  for (const [step, studio] of [STUDIOS[1], STUDIOS[2], STUDIOS[0]].entries()) {
    // Select to preview by clicking the tile, then take with the keyboard or the button.
    await console1.locator(`.feed-tile[data-feed="${studio.feed}"]`).click();
    await expect.poll(() => console1.getByTestId('preview-label').textContent()).toBe(studio.feed);
    if (step % 2 === 0) await console1.keyboard.press('Space');
    else await console1.getByRole('button', { name: 'TAKE' }).click();

    for (const page of consoles) {
      await expect.poll(() => page.getByTestId('program-label').textContent(), { timeout: 10_000 }).toBe(studio.feed);
    }
    await expect.poll(() => videoColourAt(viewer, 0.5, 0.5).then((c) => looksLike(studio.rgb, c)), { timeout: 10_000 }).toBe(true);
    const frames = (await videoProgress(viewer)).frames;
    await expect.poll(async () => (await videoProgress(viewer)).frames, { timeout: 10_000 }).toBeGreaterThan(frames + 10);
    await expect.poll(() => studioPages.get(studio.id)!.getByTestId('tally').textContent()).toBe('ON AIR · Main stage');
  }
  // The studio that went off air sees it.
  await expect.poll(() => studioPages.get('london')!.getByTestId('tally').textContent()).toBe('Not on air');
  await expect.poll(() => console2.getByTestId('cut-log').locator('li').count()).toBe(3);
  await screenshot(console1, 'console-after-cuts');
  await screenshot(viewer, 'viewer-after-cuts');

  // The languages of the channel, and who makes each now: Apertium's through Spanish, nobody's Japanese.
  const coverage = console1.getByTestId('language-coverage');
  await expect.poll(() => coverage.getByRole('row', { name: /Português/ }).textContent()).toContain('machine translation (apertium en→es→pt)');
  expect(await coverage.getByRole('row', { name: /日本語/ }).textContent()).toContain('nobody');
  await coverage.scrollIntoViewIfNeeded();
  await screenshot(console1, 'console-languages');

  // With a backup set, the channel cuts to it by itself when the program feed ends, and every
  // console says what happened, in its own words.
  await console2.getByLabel('Backup').selectOption({ label: 'Moscow green' });
  await studioPages.get('singapore')!.getByRole('button', { name: 'End feed' }).click();
  // The newest alert comes first. On a loaded machine a fake camera can miss frames for long
  // enough to raise a stall alert before this one: that is the console telling the truth, not
  // what this step checks.
  for (const page of consoles) {
    await expect.poll(() => page.locator('.alerts li').first().textContent(), { timeout: 10_000 }).toMatch(/Singapore red ended: Main stage cut to the backup, Moscow green$/);
  }
  await expect.poll(() => videoColourAt(viewer, 0.5, 0.5).then((c) => looksLike(STUDIOS[1].rgb, c)), { timeout: 10_000 }).toBe(true);
  // Three cuts, each watched on two consoles, a viewer and a studio, then a backup: 35-60 s on 2 cores.
}, 120_000);
