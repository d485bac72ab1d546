// The agenda in a real browser whose clock is set to Tokyo: times in the viewer's zone, the event's
// own time on hover, a changeable zone, what is on now, axe-clean; and .ics files that parse back to
// the right UTC times.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ICAL from 'ical.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AgendaSession, EventInfo } from '@hybrid-stage/shared';
import { startTestServer, type TestServer } from '../support/server';
import { axeViolations, launchBrowser, screenshot } from '../support/browser';

/** Where the event is reached from outside (a proxy in front of the server). */
const PUBLIC_URL = 'https://stage.example.com';

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let sessions: AgendaSession[];

beforeAll(async () => {
  server = await startTestServer({ WORKERS: '1', PUBLIC_URL: PUBLIC_URL });
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

  // The links in the files go to the event's public address, whatever Host the request named.
  const spoofed = await new Promise<string>((resolve, reject) => {
    const { hostname, port } = new URL(server.url);
    const req = request({ hostname, port, path: '/api/agenda.ics', headers: { host: 'attacker.example' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve(body));
    });
    req.on('error', reject).end();
  });
  const urls = events(spoofed).map((e) => String(e.component.getFirstPropertyValue('url')));
  expect(urls.length).toBe(sessions.length);
  for (const url of urls) expect(url).toMatch(new RegExp(`^${PUBLIC_URL}/channel/[a-z0-9-]+$`));
  expect(spoofed).not.toContain('attacker.example');

  const missing = await fetch(`${server.url}/api/sessions/no-such-session.ics`);
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
});

/**
 * Adds `reruns` to the event the server sends the page (the answer to `event:get`), as the re-run
 * scheduler does: this branch has no scheduler, so the test puts its re-runs on the real answer.
 */
async function withReRuns(page: Page, reruns: object[]) {
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((message) => upstream.send(message));
    upstream.onMessage((message) => {
      // A socket.io acknowledgement is "43<id>[<answer>]".
      const ack = typeof message === 'string' ? /^43(\d+)(\[.*\])$/s.exec(message) : null;
      const answer = ack ? (JSON.parse(ack[2]!) as Array<{ ok: boolean; data?: { sessions?: unknown; reruns?: object[] } }>) : undefined;
      if (ack && answer?.[0]?.data?.sessions) {
        answer[0].data.reruns = reruns;
        return ws.send(`43${ack[1]}${JSON.stringify(answer)}`);
      }
      ws.send(message);
    });
  });
}

it('lists re-runs beside their sessions, marked by region, and marks a re-run on air as RE-RUN', async () => {
  const opening = sessions.find((s) => s.channelId === 'main')!;
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const reruns = [
    { id: 'rerun-americas', sessionId: opening.id, channelId: 'europe', startsAt: iso(now + 6 * 3_600_000), endsAt: iso(now + 6.5 * 3_600_000), region: 'Americas', status: 'scheduled' },
    { id: 'rerun-apac', sessionId: opening.id, channelId: 'b2c', startsAt: iso(now - 300_000), endsAt: iso(now + 1_500_000), region: 'Asia-Pacific', status: 'playing' },
    { id: 'rerun-failed', sessionId: opening.id, channelId: 'b2b', startsAt: iso(now + 3_600_000), endsAt: iso(now + 5_400_000), region: 'Africa', status: 'failed' },
  ];
  const page = await context.newPage();
  await withReRuns(page, reruns);
  await page.goto(`${server.url}/agenda`);
  await page.getByLabel('Time zone').selectOption('Asia/Tokyo'); // the first test left New York chosen
  const row = page.locator(`[data-session="${opening.id}"]`);
  await expect.poll(() => row.locator('[data-rerun]').count()).toBe(2);
  const americas = row.locator('[data-rerun="rerun-americas"]');
  expect(await americas.textContent()).toMatch(/^Re-run · Americas .*Europe$/);
  // Tokyo time of the re-run, with its day.
  expect(await americas.getByTestId('session-time').textContent()).toContain(clock(reruns[0]!.startsAt, 9));
  expect(await row.locator('[data-rerun="rerun-apac"]').getAttribute('class')).toBe('is-now');
  await screenshot(page, 'agenda-reruns');
  expect(await axeViolations(page)).toEqual([]);

  // The channel playing the re-run: RE-RUN badge, and the session with its region as what is on now.
  await row.locator('[data-rerun="rerun-apac"]').getByRole('link', { name: 'B2C' }).click();
  await expect.poll(() => page.getByTestId('on-air-badge').textContent()).toBe('RE-RUN');
  expect(await page.getByTestId('now-playing').textContent()).toContain(`${opening.title}`);
  expect(await page.getByTestId('now-playing').textContent()).toContain('Re-run · Asia-Pacific');
  await page.close();
});
