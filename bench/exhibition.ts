/**
 * The 3D hall in headless chromium with software WebGL (SwiftShader through ANGLE), 24 stands:
 *  - exhibition.firstRenderMs: from navigation start of /exhibition to the hall's first rendered
 *    frame (scripts, stands from the API, geometry, textures, compile), median of 5 fresh pages;
 *  - exhibition.drawCalls: the most WebGL draw calls of one frame (three.js `renderer.info`) while
 *    the visitor turns a full circle at the entrance and again in the middle of the hall;
 *  - beside the first render, in the same browser, the first frame of an empty three.js scene
 *    (emptyScene.ts), loaded in turn with the hall: exhibition.overEmptyScene is their ratio.
 */
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser';
import { startTestServer } from '../test/support/server';
import { probe, SOFTWARE_WEBGL } from '../test/support/hall';
import { serveEmptyScene } from './emptyScene';
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
  const emptyScene = await serveEmptyScene();
  const browser = await launchBrowser(SOFTWARE_WEBGL);
  try {
    const times: number[] = [];
    const emptyTimes: number[] = [];
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
      const emptyContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      const emptyPage = await emptyContext.newPage();
      await emptyPage.goto(emptyScene.url);
      await emptyPage.waitForFunction(() => (window as { __emptyScene?: unknown }).__emptyScene, undefined, { timeout: 60_000 });
      emptyTimes.push(await emptyPage.evaluate(() => (window as unknown as { __emptyScene: { firstRenderMs: number } }).__emptyScene.firstRenderMs));
      progress(`exhibition empty scene ${i + 1}/${LOADS}: first render ${emptyTimes.at(-1)} ms`);
      await emptyContext.close();
    }
    const conditions = `headless chromium, SwiftShader WebGL, 1280×720, ${(await (await fetch(`${server.url}/api/stands`)).json() as unknown[]).length} stands`;
    const firstRender = quantile(times, 0.5);
    const emptyFirstRender = Math.max(1, quantile(emptyTimes, 0.5));
    return new Map<FigureKey, Figure>([
      ['exhibition.firstRenderMs', { value: firstRender, unit: 'ms', conditions: `median of ${LOADS} fresh page loads, ${conditions}` }],
      [
        'exhibition.emptySceneFirstRenderMs',
        { value: emptyFirstRender, unit: 'ms', conditions: `median of ${LOADS} fresh loads, each after a load of the hall, of an empty three.js scene (same three.js build, renderer options and camera, a static page, no framework), headless chromium, SwiftShader WebGL, 1280×720` },
      ],
      [
        'exhibition.overEmptyScene',
        { value: Math.round((firstRender / emptyFirstRender) * 100) / 100, unit: '×', conditions: 'exhibition.firstRenderMs / exhibition.emptySceneFirstRenderMs, measured in the same run and browser' },
      ],
      ['exhibition.drawCalls', { value: drawCalls, unit: 'calls per frame', conditions: `most in one frame over two full turns (entrance, mid-hall), ${conditions}` }],
    ]);
  } finally {
    await browser.close();
    await emptyScene.close();
    await server.close();
  }
}
