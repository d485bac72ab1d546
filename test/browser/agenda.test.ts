// The agenda in a real browser whose clock is set to Tokyo: times in the viewer's zone, the event's
// own time on hover, a changeable zone, what is on now, axe-clean; and .ics files that parse back to
// the right UTC times.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ICAL from 'ical.js';
import type { Browser, BrowserContext } from 'playwright-core';
import type { AgendaSession, EventInfo } from '@hybrid-stage/shared';
import { startTestServer, type TestServer } from '../support/server';
import { axeViolations, launchBrowser, screenshot } from '../support/browser';

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let sessions: AgendaSession[];

beforeAll(async () => {
  server = await startTestServer({ WORKERS: '1', TEST_PATTERNS: 'false' });
  browser = await launchBrowser();
  context = await browser.newContext({ timezoneId: 'Asia/Tokyo', locale: 'en-GB', viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  sessions = ((await (await fetch(`${server.url}/api/event`)).json()) as EventInfo & { sessions: AgendaSession[] }).sessions;
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

/** "HH:MM" of an ISO time shifted by `hours` (Tokyo is UTC+9 all year; New York is UTC-5 in winter). */
function clock(iso: string, hours: number): string {
  const at = new Date(Date.parse(iso) + hours * 3_600_000);
  return `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
}

/** The calendar's events as ical.js reads them. */
function events(ics: string) {
  return new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
}

it('shows the agenda in the browser’s time zone (Tokyo), the event’s time on hover, and another zone on request', async () => {
  const page = await context.newPage();
  await page.goto(`${server.url}/agenda`);
  await expect.poll(() => page.getByTestId('time-zone').inputValue()).toBe('Asia/Tokyo');
  const opening = sessions.find((s) => s.channelId === 'main')!;
  const row = page.locator(`[data-session="${opening.id}"]`);
  const time = row.getByTestId('session-time').first();
  await expect.poll(() => time.textContent()).toMatch(new RegExp(`^${clock(opening.startsAt, 9)}\\s*[–-]\\s*${clock(opening.endsAt, 9)}$`));
  expect(await time.getAttribute('datetime')).toBe(opening.startsAt);
  // Every session is listed once, under the Tokyo day it starts on.
  expect(await page.locator('[data-session]').count()).toBe(sessions.length);

  // Hover: the time in the event's zone (London: UTC+0 in winter, UTC+1 in summer).
  await time.hover();
  const tooltip = row.getByRole('tooltip').first();
  await expect.poll(() => tooltip.isVisible()).toBe(true);
  const londonOffset = new Date(opening.startsAt).toLocaleString('en-GB', { timeZone: 'Europe/London', timeZoneName: 'short' }).includes('BST') ? 1 : 0;
  expect(await tooltip.textContent()).toContain(clock(opening.startsAt, londonOffset));

  // What is on now is marked.
  await expect.poll(() => page.locator('.agenda-item.is-now').count()).toBeGreaterThan(0);
  expect(await page.locator('.agenda-item.is-now .badge').first().textContent()).toBe('On now');
  await screenshot(page, 'agenda-tokyo');
  expect(await axeViolations(page)).toEqual([]);

  // Another zone, chosen by the viewer: New York in winter is UTC-5.
  await page.getByLabel('Time zone').selectOption('America/New_York');
  const nyOffset = new Date(opening.startsAt).toLocaleString('en-US', { timeZone: 'America/New_York', timeZoneName: 'short' }).includes('EDT') ? -4 : -5;
  await expect.poll(() => time.textContent()).toMatch(new RegExp(`^${clock(opening.startsAt, nyOffset)}\\s*[–-]`));
  // The choice is kept across a reload.
  await page.reload();
  await expect.poll(() => page.getByTestId('time-zone').inputValue()).toBe('America/New_York');
  await page.close();
});

it('serves the whole agenda and each session as .ics files that parse back to the sessions’ UTC times', async () => {
  const response = await fetch(`${server.url}/api/agenda.ics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/calendar; charset=utf-8/);
  const ics = await response.text();
  expect(ics.split('\r\n').length).toBeGreaterThan(10);
  expect(ics.replace(/\r\n/g, '')).not.toMatch(/\n/);
  const all = events(ics);
  expect(all.length).toBe(sessions.length);
  for (const session of sessions) {
    const event = all.find((e) => e.uid === `${session.id}@hybrid-stage`)!;
    expect(event.summary).toBe(session.title);
    expect(event.startDate.toJSDate().toISOString()).toBe(new Date(session.startsAt).toISOString());
    expect(event.endDate.toJSDate().toISOString()).toBe(new Date(session.endsAt).toISOString());
    expect(event.startDate.zone?.tzid).toBe('UTC');
  }

  // One session, downloaded from its "Add to calendar" link on the page.
  const page = await context.newPage();
  await page.goto(`${server.url}/agenda`);
  const session = sessions.find((s) => s.title.includes(','))!; // a comma must come back unescaped
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`[data-session="${session.id}"]`).getByRole('link', { name: /Add to calendar/ }).click(),
  ]);
  const one = events(readFileSync((await download.path())!, 'utf8'));
  expect(one.map((e) => [e.summary, e.startDate.toJSDate().toISOString()])).toEqual([[session.title, new Date(session.startsAt).toISOString()]]);
  await page.close();

  const missing = await fetch(`${server.url}/api/sessions/no-such-session.ics`);
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
});
