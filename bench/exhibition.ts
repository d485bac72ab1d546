/**
 * The 3D hall in headless chromium with software WebGL (SwiftShader through ANGLE), 24 stands:
 *  - exhibition.firstRenderMs: from navigation start of /exhibition to the hall's first rendered
 *    frame (scripts, stands from the API, geometry, textures, compile), median of 5 fresh pages;
 *  - exhibition.drawCalls: the most WebGL draw calls of one frame (three.js `renderer.info`) while
 *    the visitor turns a full circle at the entrance and again in the middle of the hall.
 */
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser';
import { startTestServer } from '../test/support/server';
import { probe, SOFTWARE_WEBGL, type HallProbe } from '../test/support/hall';
import { progress, quantile, type Figure, type FigureKey } from './report';

const LOADS = 5;

/** Turns a full circle with the arrow key, sampling the draw calls; returns the most seen. */
async function turnAround(page: Page): Promise<number> {
  let most = 0;
  const start = (await probe(page)).position.yaw;
  await page.keyboard.down('ArrowLeft');
  try {
    for (let i = 0; i < 400; i++) {
      const p = (await probe(page));
      most = Math.max(most, p.drawCalls);
      if (p.position.yaw - start > 2 * Math.PI) break;
      await page.waitForTimeout(50);
    }
  } finally {
    await page.keyboard.up('ArrowLeft');
  }
  return most;
}

/** Measures the hall's first render and draw calls. */
export async function measureExhibition(): Promise<Map<FigureKey, Figure>> {
  const server = await startTestServer({ WORKERS: '1' });
  const browser = await launchBrowser(SOFTWARE_WEBGL);
  try {
    const times: number[] = [];
    let drawCalls = 0;
    for (let i = 0; i < LOADS; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      const page = await context.newPage();
      await page.goto(`${server.url}/exhibition`);
      await page.waitForFunction(() => window.__exhibition?.firstRenderMs, undefined, { timeout: 60_000 });
      times.push((await probe(page)).firstRenderMs!);
      progress(`exhibition load ${i + 1}/${LOADS}: first render ${times.at(-1)} ms`);
      if (i === 0) {
        drawCalls = Math.max(drawCalls, await turnAround(page));
        // Into the middle of the hall, where most stands are in view.
        await page.keyboard.down('w');
        for (let k = 0; k < 200 && (await probe(page)).position.z > 0; k++) await page.waitForTimeout(50);
        await page.keyboard.up('w');
        drawCalls = Math.max(drawCalls, await turnAround(page));
        progress(`exhibition draw calls: at most ${drawCalls} per frame`);
      }
      await context.close();
    }
    const conditions = `headless chromium, SwiftShader WebGL, 1280×720, ${(await (await fetch(`${server.url}/api/stands`)).json() as unknown[]).length} stands`;
    return new Map<FigureKey, Figure>([
      ['exhibition.firstRenderMs', { value: quantile(times, 0.5), unit: 'ms', conditions: `median of ${LOADS} fresh page loads, ${conditions}` }],
      ['exhibition.drawCalls', { value: drawCalls, unit: 'calls per frame', conditions: `most in one frame over two full turns (entrance, mid-hall), ${conditions}` }],
    ]);
  } finally {
    await browser.close();
    await server.close();
  }
}
