// Every page of the product as people first meet it, on a desktop and on a phone (Pixel 5): each
// opens with the right status, passes axe-core (no serious or critical finding, the 3D hall and the
// HQ stroll included) and logs no error to the console. The phone screenshots are left in
// test-results/pages-<name>-phone.png for people to look at. An unknown address shows "page not
// found" in the UI language with the ways back, and the app has its icon and web app manifest.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devices, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { startRegisteredEventServer } from '../support/registeredEvent';
import { axeViolations, launchBrowser, screenshot } from '../support/browser';
import { canvasLuminance, SOFTWARE_WEBGL } from '../support/hall';

/** A page of the product: where it is, who opens it, and what shows it is ready. */
interface ProductPage {
  name: string;
  path: (server: TestServer) => Promise<string>;
  ready: (page: Page) => Promise<unknown>;
  status?: number;
}

const heading = (page: Page) => page.locator('h1').first().waitFor({ timeout: 20_000 });
const playing = (page: Page) => expect.poll(() => page.getByTestId('player').getAttribute('data-state'), { timeout: 20_000 }).toBe('playing');
const anyone = (path: string) => async () => path;

const PAGES: ProductPage[] = [
  { name: 'home', path: anyone('/'), ready: heading },
  { name: 'watch', path: anyone('/channel/main'), ready: playing },
  { name: 'kiosk', path: anyone('/kiosk/main'), ready: playing },
  { name: 'agenda', path: anyone('/agenda'), ready: (page) => page.getByTestId('session-time').first().waitFor({ timeout: 20_000 }) },
  { name: 'console', path: async (s) => `/console?token=${await s.access.mint({ role: 'producer' })}`, ready: (page) => page.getByTestId('program-label').first().waitFor({ timeout: 20_000 }) },
  { name: 'studio', path: async (s) => `/studio/london?token=${await s.access.mint({ role: 'studio', studioId: 'london' })}`, ready: (page) => page.getByRole('button', { name: 'Go live' }).waitFor({ timeout: 20_000 }) },
  { name: 'desk', path: async (s) => `/desk/main/ja?token=${await s.access.mint({ role: 'captioner', channelId: 'main', languages: ['ja'] })}`, ready: (page) => page.getByTestId('desk-input').waitFor({ timeout: 20_000 }) },
  { name: 'cinema', path: anyone('/cinema'), ready: (page) => page.getByTestId('film').waitFor({ timeout: 20_000 }) },
  { name: 'exhibition-list', path: anyone('/exhibition?view=list'), ready: (page) => page.getByTestId('stand-list').waitFor({ timeout: 20_000 }) },
  {
    name: 'exhibition-hall',
    path: anyone('/exhibition'),
    ready: (page) => page.waitForFunction(() => window.__exhibition?.firstRenderMs, undefined, { timeout: 60_000 }),
  },
  {
    name: 'exhibition-hq',
    path: anyone('/exhibition/hq'),
    ready: (page) => expect.poll(async () => (await canvasLuminance(page, '[data-testid="hq-view"] canvas').catch(() => ({ variance: 0 }))).variance, { timeout: 20_000 }).toBeGreaterThan(200),
  },
  { name: 'admin', path: async (s) => `/admin?token=${await s.access.mint({ role: 'admin' })}`, ready: heading },
  { name: 'not-found', path: anyone('/exhibition/nothing-here'), ready: (page) => page.getByTestId('not-found').waitFor({ timeout: 20_000 }), status: 404 },
];

const VIEWPORTS: Array<{ name: 'desktop' | 'phone'; options: BrowserContextOptions }> = [
  { name: 'desktop', options: { viewport: { width: 1280, height: 800 } } },
  // 393x851 at 2.75 device pixels, a touch screen and a mobile browser's user agent.
  { name: 'phone', options: devices['Pixel 5'] },
];

/** Collects what a page logs as an error, and what it throws. */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

/** Opens `entry` in a browser context of its own (a token in the address is kept), checks it, and leaves a screenshot of the phone's. */
async function visit(server: TestServer, browser: Browser, options: BrowserContextOptions, viewport: string, entry: ProductPage): Promise<void> {
  const context = await browser.newContext({ ...options, locale: 'en-US' });
  try {
    const page = await context.newPage();
    const errors = consoleErrors(page);
    const url = `${server.url}${await entry.path(server)}`;
    const response = await page.goto(url);
    expect(response?.status(), entry.name).toBe(entry.status ?? 200);
    await entry.ready(page).catch((error: unknown) => {
      throw new Error(`${entry.name} on ${viewport} did not show`, { cause: error });
    });
    // What the page does right after it shows (lazy chunks, first requests) may still log.
    await page.waitForTimeout(500);
    expect(await axeViolations(page), `${entry.name} on ${viewport}`).toEqual([]);
    if (viewport === 'phone') await screenshot(page, `pages-${entry.name}-phone`);
    // The browser reports the document's own 404 as a failed load: that is what a not-found page is.
    const own404 = (e: string) => entry.status === 404 && e.includes('404') && e.includes(`(${url})`);
    expect(errors.filter((e) => !own404(e)), `${entry.name} on ${viewport}`).toEqual([]);
  } finally {
    await context.close();
  }
}

describe('every page', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ WORKERS: '1' });
    // The cinema with a film in its library, as an event shows it.
    const films = join(server.dataDir, 'films');
    mkdirSync(films, { recursive: true });
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=s=320x180:r=25:d=4', '-c:v', 'libvpx', join(films, 'opening-film.webm')]);
    writeFileSync(join(films, 'opening-film.en.vtt'), 'WEBVTT\n\n00:00.000 --> 00:04.000\nWelcome to the conference\n');
    // Software WebGL, so the 3D hall and the HQ stroll draw (and are checked) too.
    browser = await launchBrowser(SOFTWARE_WEBGL);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const { name, options } of VIEWPORTS) {
    it(`opens each page on a ${name}: right status, no serious axe finding, no console error`, { timeout: 900_000 }, async () => {
      for (const entry of PAGES) await visit(server, browser, options, name, entry);
    });
  }

  it('says "page not found" in the UI language at an unknown address, with the ways back, and answers 404', async () => {
    const context = await browser.newContext({ ...devices['Pixel 5'], locale: 'ar' });
    try {
      const page = await context.newPage();
      // A page of the app with an id that is not the event's (a channel, studio, desk language) is
      // not found too: the server cannot know the ids from the path, so it answers 200 and the app says it.
      const studioToken = await server.access.mint({ role: 'studio', studioId: 'london' });
      const captionerToken = await server.access.mint({ role: 'captioner', channelId: 'main', languages: ['ja'] });
      const appPaths = ['/channel/nowhere', '/kiosk/nowhere', `/studio/nowhere?token=${studioToken}`, `/desk/main/xx?token=${captionerToken}`, `/desk/nowhere/ja?token=${captionerToken}`];
      for (const path of ['/nothing-here', '/exhibition/nothing-here', ...appPaths]) {
        const response = await page.goto(`${server.url}${path}`);
        expect(response?.status(), path).toBe(appPaths.includes(path) ? 200 : 404);
        await page.getByRole('heading', { level: 1, name: 'الصفحة غير موجودة' }).waitFor({ timeout: 20_000 });
        expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
        expect(await page.title()).toBe('الصفحة غير موجودة · Hybrid Stage');
      }
      await screenshot(page, 'pages-not-found-ar-phone');
      expect(await axeViolations(page)).toEqual([]);
      const ways = page.getByRole('navigation', { name: 'إلى أين تذهب من هنا' });
      expect(await ways.getByRole('link').evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname))).toEqual(['/', '/agenda', '/exhibition']);
      await ways.getByRole('link', { name: 'اطّلع على جدول الأعمال' }).click();
      await page.getByRole('heading', { level: 1 }).filter({ hasNotText: 'الصفحة غير موجودة' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/agenda');
    } finally {
      await context.close();
    }
    // Known pages are 200 whatever their case or trailing slash (as the client's router reads them).
    for (const path of ['/agenda/', '/Agenda', '/exhibition/hq', '/studio/london']) expect((await fetch(`${server.url}${path}`)).status, path).toBe(200);
  });

  it('has an icon and a web app manifest whose icons are served', async () => {
    const favicon = await fetch(`${server.url}/favicon.ico`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get('content-type')).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).toMatch(/<link rel="manifest" href="\/manifest\.webmanifest"/);
    expect(html).toMatch(/<link rel="apple-touch-icon" href="\/apple-touch-icon\.png"/);
    expect(html).toMatch(/<meta name="theme-color" content="#[0-9a-f]{6}"/);
    const manifestResponse = await fetch(`${server.url}/manifest.webmanifest`);
    expect(manifestResponse.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = (await manifestResponse.json()) as { name: string; start_url: string; display: string; icons: Array<{ src: string; sizes: string; type: string; purpose?: string }> };
    expect(manifest).toMatchObject({ name: 'Hybrid Stage', start_url: '/', display: 'standalone' });
    expect(manifest.icons.map((i) => `${i.sizes}${i.purpose ? ` ${i.purpose}` : ''}`)).toEqual(expect.arrayContaining(['192x192', '512x512', '512x512 maskable']));
    for (const icon of [...manifest.icons, { src: '/apple-touch-icon.png', type: 'image/png' }]) {
      const response = await fetch(`${server.url}${icon.src}`);
      expect(response.status, icon.src).toBe(200);
      expect(response.headers.get('content-type'), icon.src).toContain(icon.type);
    }
  });
});

describe('the registration form', () => {
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

  it('opens on a desktop and a phone with no serious axe finding and no console error', { timeout: 180_000 }, async () => {
    for (const { name, options } of VIEWPORTS) {
      await visit(server, browser, options, name, { name: 'registration', path: anyone('/channel/main'), ready: (page) => page.getByRole('heading', { name: 'Register to watch' }).waitFor({ timeout: 20_000 }) });
    }
  });
});
