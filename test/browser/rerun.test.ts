// Re-runs and the cinema in Debian's chromium: a viewer of the target channel sees the RE-RUN badge,
// decodes the recording's frames and reads its captions; the cinema plays a film with a caption
// track chosen from the browser's own track list. The console's panels and the cinema speak the UI
// language (Japanese, Arabic right to left) the user picks.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { FilmInfo } from '@hybrid-stage/shared';
import { startTestServer, TestClient, type TestServer } from '../support/server';
import { axeViolations, launchBrowser, screenshot, videoProgress } from '../support/browser';

const locale = <T>(language: string, namespace: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, `../../client/src/i18n/locales/${language}/${namespace}.json`), 'utf8')) as T;
type Production = { recording: { title: string; record: string; delete: string; status: Record<string, string> }; rerun: { title: string; schedule: string; status: Record<string, string> } };
type Exhibition = { cinema: { films: string; captions: string; captionLanguages_few: string } };
type Common = { nav: { cinema: string } };
const japanese = locale<Production>('ja', 'production');
const arabicProduction = locale<Production>('ar', 'production');
const japaneseExhibition = locale<Exhibition>('ja', 'exhibition');
const arabic = { exhibition: locale<Exhibition>('ar', 'exhibition'), common: locale<Common>('ar', 'common') };

let server: TestServer;
let browser: Browser;
let producer: TestClient;

beforeAll(async () => {
  server = await startTestServer({ WORKERS: '1', DEMO_FILMS: 'true' });
  browser = await launchBrowser();
  producer = await TestClient.connectAs(server, { role: 'producer' });
});

afterAll(async () => {
  producer?.close();
  await browser?.close();
  await server?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('records from the console, schedules a re-run there, and shows it with its badge, picture and captions', async () => {
  // The producer records Main stage from the console for 6 s; a caption goes out 2 s in.
  const console = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
  await console.goto(`${server.url}/console?token=${await server.access.mint({ role: 'producer' })}`);
  await console.getByRole('button', { name: '● Record Main stage' }).click();
  await console.getByRole('button', { name: '■ Stop recording Main stage' }).waitFor();
  const recording = (await producer.ok('recording:list', {}))[0]!;
  expect(recording.status).toBe('recording');
  await sleep(Math.max(0, recording.startedAtMs + 2000 - Date.now()));
  const startMs = recording.startedAtMs + 2000;
  await producer.ok('captions:ingest', { channelId: 'main', cues: [{ id: 'rerun-1', language: 'en', startMs, endMs: startMs + 3000, text: 'Good evening, Americas.' }] });
  await sleep(Math.max(0, recording.startedAtMs + 6000 - Date.now()));
  await console.getByRole('button', { name: '■ Stop recording Main stage' }).click();
  await expect.poll(() => console.getByTestId('recordings').textContent(), { timeout: 10_000 }).toMatch(/Main stage.*0:0\d.*done/);

  const viewer = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  await viewer.goto(`${server.url}/channel/europe`);
  await viewer.getByLabel('Captions').selectOption('en');
  await expect.poll(() => viewer.getByTestId('on-air-badge').textContent(), { timeout: 15_000 }).toBe('LIVE');
  // Every caption line the viewer is shown, as it is shown: the re-run's line is up for 3 s of its
  // 6 s, which a poll begun after the checks of badge and picture on a loaded machine could miss.
  await viewer.evaluate(() => {
    const seen: string[] = ((window as unknown as { captionsSeen: string[] }).captionsSeen = []);
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="captions"]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });

  const home = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await home.goto(server.url);
  await home.getByRole('heading', { name: 'Main broadcast' }).waitFor();

  // The re-run is scheduled in the console's form, five seconds ahead in the browser's local time.
  const start = await console.evaluate(() => {
    const d = new Date(Date.now() + 5000);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
  });
  const form = console.getByRole('region', { name: 'Re-runs' });
  await form.getByLabel('Channel').selectOption('europe');
  await form.getByLabel('Start').fill(start);
  await form.getByLabel('Region').fill('Americas');
  await console.getByRole('button', { name: 'Schedule re-run' }).click();
  await expect.poll(() => console.getByTestId('reruns').textContent()).toMatch(/Europe.*Americas.*scheduled/);
  await console.getByTestId('reruns').scrollIntoViewIfNeeded();
  await screenshot(console, 'rerun-console');

  // A viewer's home page, open already, lists it at once, in the viewer's own time.
  await expect.poll(() => home.getByRole('heading', { name: 'Re-runs for other time zones' }).count(), { timeout: 10_000 }).toBe(1);
  await expect(home.locator('.rerun-list').textContent()).resolves.toMatch(/Americas · Europe/);
  await screenshot(home, 'rerun-home');
  await home.close();

  await expect.poll(() => viewer.getByTestId('on-air-badge').textContent(), { timeout: 15_000 }).toBe('RE-RUN');
  // The feed list (its label) and the channel (the badge) are two messages: either may come first.
  await expect.poll(() => viewer.getByText(/^from .* · Americas$/).count(), { timeout: 5000 }).toBe(1);
  const before = (await videoProgress(viewer)).frames;
  await expect.poll(async () => (await videoProgress(viewer)).frames, { timeout: 10_000 }).toBeGreaterThan(before + 25);
  expect(await viewer.getByTestId('on-air-badge').textContent()).toBe('RE-RUN');
  const captionsSeen = () => viewer.evaluate(() => (window as unknown as { captionsSeen: string[] }).captionsSeen);
  await expect.poll(captionsSeen, { timeout: 10_000 }).toContain('Good evening, Americas.');
  await screenshot(viewer, 'rerun-viewer');

  // At the end the channel is live again.
  await expect.poll(() => viewer.getByTestId('on-air-badge').textContent(), { timeout: 15_000 }).toBe('LIVE');
  await expect.poll(() => console.getByTestId('reruns').textContent()).toMatch(/Americas.*done/);

  // The same session planned for tomorrow at 09:00 in Tokyo, Dubai and São Paulo: three re-runs,
  // and a browser in Tokyo lists Tokyo's at 09:00 its time.
  await form.getByLabel('Channel').selectOption('b2b');
  for (const city of ['Tokyo', 'Dubai', 'São Paulo']) await form.getByRole('checkbox', { name: city }).check();
  await form.getByRole('button', { name: 'Plan re-runs' }).click();
  await expect.poll(() => console.getByTestId('reruns').locator('tbody tr', { hasText: /B2B/ }).count()).toBe(3);
  const tokyo = await browser.newPage({ timezoneId: 'Asia/Tokyo', locale: 'en-GB' });
  await tokyo.goto(server.url);
  await expect.poll(() => tokyo.locator('.rerun-list li', { hasText: 'Tokyo' }).textContent(), { timeout: 10_000 }).toMatch(/· Tokyo · B2B · .*09:00/);
  await screenshot(tokyo, 'rerun-plan-tokyo');
  await tokyo.close();
  for (const r of (await producer.ok('event:get', {})).reruns.filter((r) => r.channelId === 'b2b')) await producer.ok('rerun:delete', { rerunId: r.id });

  // The producer switches the console to Japanese: the panels' headings, buttons and states follow.
  await console.getByTestId('ui-language').selectOption('ja');
  await console.getByRole('heading', { name: japanese.recording.title, exact: true }).waitFor();
  await console.getByRole('heading', { name: japanese.rerun.title, exact: true }).waitFor();
  await console.getByRole('button', { name: japanese.recording.record.replace('{{channel}}', 'Main stage') }).waitFor();
  await expect(console.getByTestId('recordings').textContent()).resolves.toContain(japanese.recording.status.done);
  await expect(console.getByTestId('reruns').textContent()).resolves.toContain(japanese.rerun.status.done);
  await expect(console.getByTestId('recordings').textContent()).resolves.not.toMatch(/done|Channel|Length|State/);
  await console.getByTestId('recordings').scrollIntoViewIfNeeded();
  await screenshot(console, 'rerun-console-ja');
  expect(await axeViolations(console)).toEqual([]);
  // And in Arabic, right to left.
  await console.getByTestId('ui-language').selectOption('ar');
  await expect.poll(() => console.evaluate(() => document.documentElement.dir)).toBe('rtl');
  await console.getByRole('heading', { name: arabicProduction.rerun.title, exact: true }).waitFor();
  await console.getByTestId('recordings').scrollIntoViewIfNeeded();
  await screenshot(console, 'rerun-console-ar');

  // The re-run is done: the producer deletes its recording, confirming the question that names it.
  const rows = await console.getByTestId('recordings').locator('tbody tr').count();
  const file = await server.recordings.file(recording.id);
  let asked = '';
  console.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.accept();
  });
  await console.getByTestId('recordings').locator('tbody tr').first().getByRole('button', { name: arabicProduction.recording.delete }).click();
  await expect.poll(() => console.getByTestId('recordings').locator('tbody tr').count()).toBe(rows - 1);
  expect(asked).toContain('«');
  expect(existsSync(file)).toBe(false);
});

it('plays a film in the cinema with a caption track from the browser track list', async () => {
  await expect
    .poll(async () => ((await (await fetch(`${server.url}/api/films`)).json()) as FilmInfo[]).length, { timeout: 90_000, interval: 1000 })
    .toBe(3);
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(`${server.url}/`);
  // The header's link (the home page has one too, once the event has loaded).
  await page.getByRole('navigation').getByRole('link', { name: 'Cinema', exact: true }).click();
  await page.getByRole('button', { name: /A walk around headquarters/ }).click();
  const film = page.getByTestId('film');
  await film.evaluate((v: HTMLVideoElement) => {
    v.muted = true;
    return v.play();
  });
  await expect.poll(() => film.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 }).toBeGreaterThan(1);
  // The tracks the browser's caption menu offers.
  const labels = await film.evaluate((v: HTMLVideoElement) => [...v.textTracks].map((t) => `${t.language}:${t.label}`));
  expect(labels).toEqual(expect.arrayContaining(['en:English', 'ja:日本語', 'es:Español', 'ar:العربية']));
  // Choosing Japanese, as the menu does: its cue for this moment becomes active.
  await film.evaluate((v: HTMLVideoElement) => {
    for (const t of v.textTracks) t.mode = t.language === 'ja' ? 'showing' : 'disabled';
  });
  await expect
    .poll(() => film.evaluate((v: HTMLVideoElement) => [...(v.textTracks[[...v.textTracks].findIndex((t) => t.language === 'ja')]!.activeCues ?? [])].map((c) => (c as VTTCue).text).join()), { timeout: 10_000 })
    .toMatch(/ようこそ|パートナー|スタジオ|イベント/);
  const frames = (await videoProgress(page, '[data-testid="film"]')).frames;
  expect(frames).toBeGreaterThan(10);
  await screenshot(page, 'cinema');
});

it('shows the cinema in the UI language: Arabic texts right to left with Arabic captions on by default, then Japanese after switching', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 }, locale: 'en-US' });
  await page.goto(`${server.url}/`);
  await page.getByTestId('ui-language').selectOption('ar');
  await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('rtl');
  await page.getByRole('navigation').getByRole('link', { name: arabic.common.nav.cinema, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: arabic.common.nav.cinema }).waitFor();
  // The film list, its caption counts and the caption line are Arabic, not English.
  const list = page.getByRole('navigation', { name: arabic.exhibition.cinema.films });
  const walk = list.getByRole('button', { name: /A walk around headquarters/ });
  await walk.click();
  const tracks = await page.getByTestId('film').evaluate((v: HTMLVideoElement) => v.textTracks.length);
  expect(tracks).toBeGreaterThanOrEqual(3);
  expect(tracks).toBeLessThanOrEqual(10); // Arabic's "few" form: 3 to 10.
  await expect(walk.textContent()).resolves.toContain(arabic.exhibition.cinema.captionLanguages_few.replace('{{count, number}}', String(tracks)));
  const caption = await page.locator('figcaption').textContent();
  expect(caption).toContain(arabic.exhibition.cinema.captions.split('{{languages}}')[0]);
  expect(caption).not.toMatch(/Captions|caption languages|choose/i);
  // The UI language's track is the one the player shows without the viewer choosing.
  await expect
    .poll(() => page.getByTestId('film').evaluate((v: HTMLVideoElement) => [...v.textTracks].filter((t) => t.mode === 'showing').map((t) => t.language)), { timeout: 10_000 })
    .toEqual(['ar']);
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'cinema-ar');
  // Another UI language while the film is open: the page and its captions follow.
  await page.getByTestId('ui-language').selectOption('ja');
  await expect.poll(() => page.locator('figcaption').textContent()).toContain(japaneseExhibition.cinema.captions.split('{{languages}}')[0]);
  await expect
    .poll(() => page.getByTestId('film').evaluate((v: HTMLVideoElement) => [...v.textTracks].filter((t) => t.mode === 'showing').map((t) => t.language)))
    .toEqual(['ja']);
});
