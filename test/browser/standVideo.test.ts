// A stand's video plays from the address its exhibitor gave (the stand editor takes any http or
// https address): the pages' Content-Security-Policy must not block what the schema accepts.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { StandInfo } from '@hybrid-stage/shared';
import { startTestServer, type TestServer } from '../support/server';
import { launchBrowser } from '../support/browser';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ WORKERS: '1', TEST_PATTERNS: 'false', DEMO_FILMS: 'false', RECORD_SESSIONS: 'false' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it("loads a stand's external video instead of the page's policy refusing it", async () => {
  const admin = { authorization: `Bearer ${await server.access.mint({ role: 'admin' })}`, 'content-type': 'application/json' };
  const { id, placement, giftsLeft, ...content } = (await (await fetch(`${server.url}/api/stands/helix-biotech`)).json()) as StandInfo;
  void [id, placement, giftsLeft];
  // An https address on loopback that refuses the connection: the network fails, the policy must not.
  const videoUrl = 'https://127.0.0.1:9/helix-tour.webm';
  const saved = await fetch(`${server.url}/api/stands/helix-biotech`, { method: 'PUT', headers: admin, body: JSON.stringify({ ...content, videoUrl }) });
  expect(saved.status).toBe(200);

  const page = await browser.newPage();
  try {
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
    });
    await page.goto(`${server.url}/exhibition?view=list&stand=helix-biotech`);
    const video = page.getByTestId('stand-panel').locator('video.stand-video');
    await video.waitFor({ timeout: 20_000 });
    expect(await video.getAttribute('src')).toBe(videoUrl);
    // Load it as the visitor's click on play would, and wait until the load has failed.
    const failed = await video.evaluate(
      (el: HTMLVideoElement) =>
        new Promise<number | undefined>((resolve) => {
          el.addEventListener('error', () => setTimeout(() => resolve(el.error?.code), 200), { once: true });
          el.load();
        }),
    );
    expect(failed).toBeDefined();
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  } finally {
    await page.close();
  }
});
