// The studio side in real browsers: a producer invites a remote guest, the guest publishes and
// watches the program as a return feed, and the console hears each feed on its audio meter.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { isRed, launchBrowser, screenshot, videoColourAt, videoProgress } from '../support/browser';

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

it('invites a remote guest who publishes, sees the program as a return feed, and goes on air', async () => {
  const console = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  await console.goto(`${server.url}/console?token=${await server.access.mint({ role: 'producer' })}`);
  await console.getByLabel('Invite role').selectOption('guest');
  await console.getByLabel('Invite studio').selectOption('moscow');
  await console.getByRole('button', { name: 'Make link' }).click();
  const link = await console.getByLabel('Invite link').inputValue();
  expect(link).toMatch(/\/studio\/moscow\?token=/);

  const guest = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await guest.goto(link);
  // The heading names the studio once the event has arrived (0.5-1 s after the page loads on 2 cores).
  await expect.poll(() => guest.getByRole('heading').first().textContent(), { timeout: 10_000 }).toBe('Guest in Moscow');
  // Guests do not manage encoders.
  expect(await guest.getByText('Encoders (RTP and SRT ingest)').count()).toBe(0);
  await guest.getByRole('textbox', { name: 'Feed name' }).fill('Anna from Moscow');
  await guest.getByRole('button', { name: 'Go live' }).click();
  await guest.getByTestId('publish-state').filter({ hasText: /Publishing · \d+ kbit\/s out/ }).waitFor({ timeout: 20_000 });

  // The return feed is the main channel's program: London's test pattern, red bar on the left.
  await expect.poll(async () => (await videoProgress(guest, '[data-testid="return-feed"]')).frames, { timeout: 20_000 }).toBeGreaterThan(10);
  // The pattern's moving stripe crosses the bar now and then: look until the bar shows.
  await expect.poll(() => videoColourAt(guest, 0.05, 0.85, '[data-testid="return-feed"]').then(isRed), { timeout: 5_000 }).toBe(true);

  // The console sees the guest's feed and hears the test patterns' tone on the meters.
  const guestTile = console.locator('.feed-tile[data-feed="Anna from Moscow"]');
  await guestTile.waitFor({ timeout: 20_000 });
  const londonMeter = console.locator('.feed-tile[data-feed="London test pattern"] .audio-meter-bar');
  await expect.poll(async () => Number(await londonMeter.getAttribute('data-level')), { timeout: 20_000 }).toBeGreaterThan(0.2);

  // Its thumbnail plays (the feed gained its tracks after it appeared), and so does the preview.
  await expect.poll(async () => (await videoProgress(console, '.feed-tile[data-feed="Anna from Moscow"] video')).frames, { timeout: 20_000 }).toBeGreaterThan(5);
  await guestTile.click();
  await expect.poll(async () => (await videoProgress(console, '[data-testid="preview-monitor"]')).frames, { timeout: 20_000 }).toBeGreaterThan(5);
  await console.keyboard.press('Enter');
  await expect.poll(() => guest.getByTestId('tally').textContent(), { timeout: 10_000 }).toBe('ON AIR · Main stage');
  await screenshot(console, 'console-with-guest');
  await screenshot(guest, 'guest-on-air');
});

it("shows a studio operator the settings for an SRT encoder, with its passphrase", async () => {
  const studio = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  await studio.goto(`${server.url}/studio/london?token=${await server.access.mint({ role: 'studio', studioId: 'london' })}`);
  await studio.getByRole('textbox', { name: 'Encoder name' }).fill('London OBS');
  await studio.getByRole('button', { name: /New SRT endpoint/ }).click();
  const card = studio.locator('.ingest[data-ingest="London OBS"]');
  await card.waitFor({ timeout: 10_000 });
  const url = (await card.locator('code').textContent())!;
  expect(url).toMatch(/^srt:\/\/127\.0\.0\.1:\d+\?mode=caller/);
  // The passphrase the encoder needs is shown to the studio, in the URL and on its own.
  const passphrase = /passphrase=([^&]+)/.exec(url)![1]!;
  expect(await card.getByText(`Passphrase ${passphrase}`).count()).toBe(1);
  // An RTP endpoint needs the encoder's address first.
  expect(await studio.getByRole('button', { name: /New RTP endpoint/ }).isDisabled()).toBe(true);
  await studio.getByRole('textbox', { name: 'Encoder address (RTP)' }).fill('127.0.0.1');
  expect(await studio.getByRole('button', { name: /New RTP endpoint/ }).isDisabled()).toBe(false);
  expect(await card.locator('pre').textContent()).toMatch(/^ffmpeg -re -i INPUT .* -f mpegts "srt:\/\//);
  await screenshot(studio, 'studio-ingest');
  await card.getByRole('button', { name: 'Close endpoint' }).click();
  await expect.poll(() => studio.locator('.ingest').count()).toBe(0);
});
