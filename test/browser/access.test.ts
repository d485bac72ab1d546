// Who gets in, in a real browser. An event that asks viewers to register shows the form on the watch
// page; once filled in, the program plays, and a reload does not ask again. The admin page mints a
// studio operator's link that opens the studio with that role, and sees the registered viewer.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { PROTOCOL_VERSION } from '@hybrid-stage/shared';
import { TestClient, type TestServer } from '../support/server';
import { startRegisteredEventServer } from '../support/registeredEvent';
import { axeViolations, launchBrowser, screenshot, videoProgress } from '../support/browser';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startRegisteredEventServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('asks a viewer to register, then plays the program, and does not ask again after a reload', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${server.url}/channel/main`);
  await page.getByRole('heading', { name: 'Register to watch' }).waitFor({ timeout: 15_000 });
  expect(await page.getByTestId('player').count()).toBe(0);
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'registration-form');

  await page.getByRole('textbox', { name: 'Name' }).fill('Grace Hopper');
  await page.getByRole('textbox', { name: 'Email' }).fill('grace@example.com');
  await page.getByRole('textbox', { name: 'Company or organisation' }).fill('Navy Labs');
  await page.getByRole('textbox', { name: 'Country' }).fill('United States');
  // Without consent the browser does not send the form (and the server would refuse it).
  await page.getByRole('button', { name: 'Register and watch' }).click();
  expect(await page.getByRole('heading', { name: 'Register to watch' }).count()).toBe(1);
  await page.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Register and watch' }).click();

  await expect.poll(() => page.getByTestId('player').getAttribute('data-state'), { timeout: 20_000 }).toBe('playing');
  const frames = (await videoProgress(page, '[data-testid="player"]')).frames;
  await expect.poll(async () => (await videoProgress(page, '[data-testid="player"]')).frames, { timeout: 15_000 }).toBeGreaterThan(frames + 20);
  await screenshot(page, 'registration-then-watching');

  await page.reload();
  await expect.poll(() => page.getByTestId('player').getAttribute('data-state'), { timeout: 20_000 }).toBe('playing');
  expect(await page.getByRole('heading', { name: 'Register to watch' }).count()).toBe(0);
  await page.goto(`${server.url}/agenda`);
  await page.getByRole('navigation').getByRole('link', { name: 'Agenda', exact: true }).waitFor();
  expect(await page.getByRole('heading', { name: 'Register to watch' }).count()).toBe(0);

  // The cinema's files are served only through signed links, which the registered viewer's page gets.
  const filmsDir = join(server.dataDir, 'films');
  mkdirSync(filmsDir, { recursive: true });
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=s=320x180:r=25:d=4', '-c:v', 'libvpx', join(filmsDir, 'members-film.webm')]);
  writeFileSync(join(filmsDir, 'members-film.en.vtt'), 'WEBVTT\n\n00:00.000 --> 00:04.000\nOnly for registered partners\n');
  await page.getByRole('navigation').getByRole('link', { name: 'Cinema', exact: true }).click();
  const film = page.getByTestId('film');
  await film.evaluate((v: HTMLVideoElement) => {
    v.muted = true;
    return v.play();
  });
  await expect.poll(() => film.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 }).toBeGreaterThan(0.5);
  await film.evaluate((v: HTMLVideoElement) => void (v.textTracks[0]!.mode = 'showing'));
  await expect.poll(() => film.evaluate((v: HTMLVideoElement) => [...(v.textTracks[0]!.activeCues ?? [])].map((c) => (c as VTTCue).text).join()), { timeout: 10_000 }).toBe('Only for registered partners');
  await context.close();

  // Another browser, not registered, is asked on the agenda too, in its own language.
  const german = await browser.newContext({ locale: 'de-DE' });
  const other = await german.newPage();
  await other.goto(`${server.url}/agenda`);
  await other.getByRole('heading', { name: 'Zum Zuschauen registrieren' }).waitFor({ timeout: 15_000 });
  await german.close();
});

it('asks again a viewer whose kept token the server no longer takes, instead of leaving the page stuck', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  // A token from another key (a reset event, or one made up): the server refuses it.
  await context.addInitScript(() => localStorage.setItem('hybrid-stage.viewerToken', 'eyJhbGciOiJFUzI1NiJ9.e30.forged'));
  const page = await context.newPage();
  await page.goto(`${server.url}/channel/main`);
  await page.getByRole('heading', { name: 'Register to watch' }).waitFor({ timeout: 15_000 });
  expect(await page.evaluate(() => localStorage.getItem('hybrid-stage.viewerToken'))).toBeNull();
  await context.close();
});

it('mints a studio link on the admin page that opens the studio with that role, and lists the registered viewer', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US' });
  const admin = await context.newPage();
  await admin.goto(`${server.url}/admin?token=${await server.access.mint({ role: 'admin' })}`);
  await admin.getByRole('heading', { name: 'Invite links' }).waitFor({ timeout: 15_000 });
  await expect.poll(() => admin.getByTestId('registration-count').textContent()).toBe('Viewers registered: 1');
  await admin.getByRole('cell', { name: 'Grace Hopper' }).waitFor();

  await admin.getByRole('region', { name: 'Invite links' }).getByRole('combobox', { name: 'Role' }).selectOption({ label: 'Studio operator' });
  await admin.getByRole('combobox', { name: 'Studio' }).selectOption({ label: 'Moscow' });
  await admin.getByRole('combobox', { name: 'Valid for' }).selectOption({ label: '7 days' });
  await admin.getByRole('button', { name: 'Make the link' }).click();
  const link = await admin.getByRole('textbox', { name: 'Invite link', exact: true }).inputValue({ timeout: 10_000 });
  expect(link).toMatch(new RegExp(`^${server.url}/studio/moscow\\?token=[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
  expect(await axeViolations(admin)).toEqual([]);
  await screenshot(admin, 'admin-invite-link');

  // The link, opened in a browser of its own, is a studio operator of Moscow (no registration asked).
  const operatorContext = await browser.newContext({ locale: 'en-US' });
  const operator = await operatorContext.newPage();
  await operator.goto(link);
  await operator.getByRole('heading', { name: /Moscow/ }).waitFor({ timeout: 15_000 });
  await operator.getByRole('button', { name: 'Go live' }).waitFor();
  const client = await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION, token: new URL(link).searchParams.get('token')! });
  expect(await client.grant).toEqual({ role: 'studio', studioId: 'moscow' });
  // A studio operator may not mint links at all.
  expect(await client.request('invite:create', { role: 'guest', studioId: 'moscow' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  client.close();

  // Revoked from the admin page: the link no longer lets anyone in, and the list shows it.
  await admin.getByRole('button', { name: 'Revoke this link' }).click();
  await admin.getByRole('status').filter({ hasText: 'This link is revoked.' }).waitFor();
  await admin.getByTestId('revoked-links').getByRole('cell', { name: 'moscow' }).waitFor();
  expect(await TestClient.admission(server.url, { protocolVersion: PROTOCOL_VERSION, token: new URL(link).searchParams.get('token')! })).toBe('UNAUTHORIZED');
  expect(await axeViolations(admin)).toEqual([]);
  await operatorContext.close();
  await context.close();
});

it('lets a producer invite crew and viewers but not admins or exhibitors (FORBIDDEN, checked by the server)', async () => {
  const producer = await TestClient.connectAs(server, { role: 'producer' });
  expect(await producer.request('invite:create', { role: 'admin' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await producer.request('invite:create', { role: 'producer' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await producer.request('invite:create', { role: 'exhibitor', standId: 'any-stand' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  const captioner = await producer.ok('invite:create', { role: 'captioner', channelId: 'main', languages: ['ja', 'es'], hours: 12 });
  expect(captioner.path).toMatch(/^\/desk\/main\/ja\?token=/);
  expect(Date.parse(captioner.expiresAt) - Date.now()).toBeGreaterThan(11 * 3_600_000);
  expect(Date.parse(captioner.expiresAt) - Date.now()).toBeLessThanOrEqual(12 * 3_600_000);
  const desk = await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION, token: new URLSearchParams(captioner.path.split('?')[1]).get('token')! });
  expect(await desk.grant).toEqual({ role: 'captioner', channelId: 'main', languages: ['ja', 'es'] });
  desk.close();
  // Scopes that do not exist, and lifetimes out of bounds, are refused.
  expect(await producer.request('invite:create', { role: 'studio', studioId: 'paris' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect(await producer.raw('invite:create', { role: 'viewer', hours: 0 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  expect(await producer.raw('invite:create', { role: 'viewer', hours: 24, extra: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  // A guest may go on air: a producer's guest link lasts at most the usual 48 hours; an admin's may last longer.
  expect(await producer.request('invite:create', { role: 'guest', studioId: 'moscow', hours: 24 * 30 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect((await producer.ok('invite:create', { role: 'guest', studioId: 'moscow', hours: 48 })).path).toMatch(/^\/studio\/moscow\?token=/);
  producer.close();
  // An admin may invite an admin; an anonymous client in a registered event is asked to register.
  const admin = await TestClient.connectAs(server, { role: 'admin' });
  expect((await admin.ok('invite:create', { role: 'admin' })).path).toMatch(/^\/admin\?token=/);
  expect(Date.parse((await admin.ok('invite:create', { role: 'guest', studioId: 'moscow', hours: 24 * 30 })).expiresAt) - Date.now()).toBeGreaterThan(29 * 24 * 3_600_000);
  admin.close();
  const anonymous = await TestClient.connect(server.url);
  expect(await anonymous.request('invite:create', { role: 'viewer' })).toMatchObject({ ok: false, error: { code: 'REGISTRATION_REQUIRED' } });
  anonymous.close();
});

it('lets a viewer invited by link in without the form, also in a later tab', async () => {
  const producer = await TestClient.connectAs(server, { role: 'producer' });
  const { path } = await producer.ok('invite:create', { role: 'viewer' });
  producer.close();
  expect(path).toMatch(/^\/\?token=/);
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${server.url}${path}`);
  await page.locator('[data-channel="main"]').waitFor({ timeout: 15_000 });
  expect(await page.getByRole('heading', { name: 'Register to watch' }).count()).toBe(0);
  // A new tab of the same browser (no sessionStorage) is still let in.
  const later = await context.newPage();
  await later.goto(`${server.url}/channel/europe`);
  await expect.poll(() => later.getByTestId('player').getAttribute('data-state'), { timeout: 20_000 }).toBe('playing');
  expect(await later.getByRole('heading', { name: 'Register to watch' }).count()).toBe(0);
  await context.close();
});
