// The 3D hall's cinema room in headless chromium with software WebGL, with the demo films made by
// ffmpeg: a visitor walks in with the keyboard and the screen plays the library one film after
// another (time advances, frames are decoded and drawn), the HUD shows the title and the caption in
// the UI language (Spanish, then English; none for a film without a Spanish track), leaving the
// room pauses it, clicking the screen from the doorway plays it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FilmInfo } from '@hybrid-stage/shared';
import { startTestServer, type TestServer } from '../support/server';
import { launchBrowser, screenshot } from '../support/browser';
import { canvasGrey, holdUntil, probe, SOFTWARE_WEBGL } from '../support/hall';

const cinema = async (page: Page) => (await probe(page)).cinema!;
/** A small grey fingerprint of the canvas's middle (where the screen is when the visitor faces it). */
const middleOfCanvas = async (page: Page) => (await canvasGrey(page, '[data-testid="hall"] canvas[data-engine]', 16, [0.3, 0.2, 0.4, 0.4])).grey;

// The demo films' captions (server/src/cinema/demoFilms.ts).
const ENGLISH = [
  ...['Welcome to headquarters.', 'This is where our partners meet.', 'The studios are on the left.', 'Enjoy the event!'],
  ...['Every partnership starts small.', 'Then it grows.', 'Region by region.', 'Together.'],
  ...['Machines that learn.', 'Lines that reconfigure themselves.', 'Partners who make it happen.', 'The future is built here.'],
];
const SPANISH = ['Bienvenidos a la sede.', 'Aquí se reúnen nuestros socios.', 'Los estudios están a la izquierda.', '¡Disfruten del evento!'];

describe('hall cinema', () => {
  let server: TestServer;
  let browser: Browser;
  let films: FilmInfo[];

  beforeAll(async () => {
    server = await startTestServer({ DEMO_FILMS: 'true', WORKERS: '1', TEST_PATTERNS: 'false' });
    // ffmpeg makes the three demo films in the background at first start.
    const until = Date.now() + 90_000;
    do {
      films = (await (await fetch(`${server.url}/api/films`)).json()) as FilmInfo[];
      if (films.length === 3 || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 1000));
    } while (true);
    browser = await launchBrowser(SOFTWARE_WEBGL);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('plays the film library when the visitor walks in, with title and captions in the UI language, and pauses when they leave', async () => {
    expect(films.map((f) => f.id)).toEqual(['headquarters-tour', 'growing-together', 'factory-of-the-future']);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/exhibition`);
    await page.waitForFunction(() => window.__exhibition?.cinema, undefined, { timeout: 30_000 });
    const outside = await probe(page);
    expect(outside.cinema).toMatchObject({ film: null, playing: false });
    expect(await page.getByTestId('cinema-hud').count()).toBe(0);
    // The visitor reads Spanish.
    await page.getByTestId('ui-language').selectOption('es');
    await page.getByRole('button', { name: 'Pabellón 3D' }).waitFor();

    // Up the west aisle, sideways to the cinema's door, and in.
    await holdUntil(page, 'w', async () => (await probe(page)).position.z < -27.3);
    await holdUntil(page, 'a', async () => (await probe(page)).position.x < -13.9);
    expect((await cinema(page)).playing).toBe(false);
    await holdUntil(page, 'w', async () => (await probe(page)).position.z < -32.5);
    const inside = await probe(page);
    expect(inside.position.x).toBeGreaterThan(-22);
    expect(inside.position.x).toBeLessThan(-11);

    // The first film plays, with its title and the caption of its Spanish track in the HUD.
    await expect.poll(async () => (await cinema(page)).currentTime, { timeout: 20_000 }).toBeGreaterThan(0.2);
    const start = await cinema(page);
    expect(start).toMatchObject({ film: 'headquarters-tour', playing: true });
    // Keys were pressed on the page, so the browser allows sound.
    expect(start.muted).toBe(false);
    const hud = page.getByTestId('cinema-hud');
    const caption = page.getByTestId('cinema-caption');
    await expect.poll(() => caption.textContent({ timeout: 500 }).catch(() => null), { timeout: 10_000 }).toBeOneOf(SPANISH);
    expect(await caption.getAttribute('lang')).toBe('es');
    expect(await hud.getByTestId('cinema-title').textContent()).toBe('A walk around headquarters');
    expect(await hud.textContent()).toContain('En pantalla · película 1 de 3');
    expect(await hud.getByRole('link', { name: 'Abrir en el cine' }).getAttribute('href')).toBe('/cinema');
    await screenshot(page, 'hall-cinema-playing');

    // Time goes on, frames are decoded, and the screen's picture changes.
    const before = await middleOfCanvas(page);
    const early = await cinema(page);
    await page.waitForTimeout(1500);
    const later = await cinema(page);
    expect(later.currentTime).toBeGreaterThan(early.currentTime + 0.5);
    expect(later.frames).toBeGreaterThan(early.frames + 10);
    expect(await middleOfCanvas(page)).not.toEqual(before);
    // The video screen stays within the hall's budget of draw calls.
    expect((await probe(page)).drawCalls).toBeLessThanOrEqual(16);

    // The visitor mutes it, and turns the sound on again, from the HUD.
    await hud.getByRole('button', { name: 'Silenciar' }).click();
    expect((await cinema(page)).muted).toBe(true);
    await hud.getByRole('button', { name: 'Activar sonido' }).click();
    expect((await cinema(page)).muted).toBe(false);

    // In English the HUD and the caption change language; the films play on.
    await page.getByTestId('ui-language').selectOption('en');
    await expect.poll(() => caption.textContent({ timeout: 500 }).catch(() => null), { timeout: 15_000 }).toBeOneOf(ENGLISH);
    expect(await caption.getAttribute('lang')).toBe('en');
    expect(await hud.textContent()).toMatch(/Now playing · film [123] of 3/);
    expect(await hud.getByRole('button', { name: 'Sound off' }).isVisible()).toBe(true);
    expect(await hud.getByRole('link', { name: 'Open in the cinema' }).isVisible()).toBe(true);

    // The next film follows by itself; back in Spanish it shows no caption, as it has no Spanish track.
    await expect.poll(async () => (await cinema(page)).film, { timeout: 30_000 }).toBe('growing-together');
    await page.getByTestId('ui-language').selectOption('es');
    await expect.poll(async () => (await cinema(page)).currentTime, { timeout: 10_000 }).toBeGreaterThan(3);
    const second = films.find((f) => f.id === 'growing-together')!;
    expect(second.tracks.map((t) => t.language)).not.toContain('es');
    expect(await hud.getByTestId('cinema-title').textContent()).toBe('Growing together');
    expect(await hud.textContent()).toContain('película 2 de 3');
    expect(await caption.count()).toBe(0);

    // Walking out through the door pauses it: time stands still, the HUD goes.
    await holdUntil(page, 's', async () => (await probe(page)).position.z > -28.4);
    await expect.poll(async () => (await cinema(page)).playing, { timeout: 5000 }).toBe(false);
    const paused = await cinema(page);
    expect(paused.film).not.toBeNull();
    await page.waitForTimeout(1000);
    expect((await cinema(page)).currentTime).toBe(paused.currentTime);
    expect(await hud.count()).toBe(0);

    // A click on the screen, seen through the door, plays it again from where it stopped…
    const box = (await page.locator('[data-testid="hall"] canvas[data-engine]').boundingBox())!;
    const clickedAt = (await probe(page)).position;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(async () => (await cinema(page)).currentTime, { timeout: 10_000 }).toBeGreaterThan(paused.currentTime + 0.5);
    expect(await cinema(page)).toMatchObject({ film: paused.film, playing: true });
    await expect.poll(() => hud.isVisible()).toBe(true);
    // …until the visitor walks away, further than the 1.5 m a click keeps it playing: east along
    // the cinema's front towards the aisle (backwards, a stand's side wall is close behind).
    await holdUntil(page, 'd', async () => {
      const { x, z } = (await probe(page)).position;
      return Math.hypot(x - clickedAt.x, z - clickedAt.z) > 1.8;
    });
    await expect.poll(async () => (await cinema(page)).playing, { timeout: 5000 }).toBe(false);

    // Back in through the door, and on to the 2D cinema with the HUD's link: the hall and its screen close.
    await holdUntil(page, 'a', async () => (await probe(page)).position.x < -13.9);
    await holdUntil(page, 'w', async () => (await probe(page)).position.z < -30);
    await expect.poll(async () => (await cinema(page)).playing, { timeout: 10_000 }).toBe(true);
    await hud.getByRole('link', { name: 'Abrir en el cine' }).click();
    await page.getByTestId('film').waitFor();
    expect(new URL(page.url()).pathname).toBe('/cinema');
    expect(await page.evaluate(() => window.__exhibition?.cinema)).toBeUndefined();
    await page.close();
  }, 240_000);
});
