import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where browser tests leave screenshots for people to look at. */
export const RESULTS_DIR = join(import.meta.dirname, '..', '..', 'test-results');

/**
 * Debian's chromium, headless, with fake camera and microphone and no calls to the outside
 * world (this machine has no internet; without these flags chromium keeps trying).
 * `executablePath`: another way to start it (a wrapper that enters a network namespace).
 */
export function launchBrowser(extraArgs: string[] = [], executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
      ...extraArgs,
    ],
  });
}

/** Saves a screenshot under test-results/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** What the page's first video element has decoded so far. */
export interface VideoProgress {
  frames: number;
  width: number;
  height: number;
}

/** Frames decoded and picture size of the first `<video>` matching `selector`. */
export function videoProgress(page: Page, selector = 'video'): Promise<VideoProgress> {
  return page.$eval(selector, (v) => {
    const video = v as HTMLVideoElement;
    return { frames: video.getVideoPlaybackQuality().totalVideoFrames, width: video.videoWidth, height: video.videoHeight };
  });
}

/** Frames the page's first video has decoded so far. */
export async function framesDecoded(page: Page): Promise<number> {
  return (await videoProgress(page)).frames;
}

/** Whether the page's player decodes now: frames advance over half a second (a new stream starts its count anew). */
export async function isDecoding(page: Page): Promise<boolean> {
  const first = await framesDecoded(page);
  await new Promise((r) => setTimeout(r, 500));
  return (await framesDecoded(page)) - first >= 8;
}

/** The average colour of a small square of the video's current picture, at fractions of its size. */
export function videoColourAt(page: Page, x: number, y: number, selector = 'video'): Promise<[number, number, number]> {
  return page.$eval(
    selector,
    (v, [fx, fy]) => {
      const video = v as HTMLVideoElement;
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(video, 0, 0);
      const data = ctx.getImageData(Math.floor(fx! * canvas.width) - 4, Math.floor(fy! * canvas.height) - 4, 8, 8).data;
      const sum = [0, 0, 0];
      for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) sum[c]! += data[i + c]!;
      return sum.map((s) => Math.round(s / (data.length / 4))) as [number, number, number];
    },
    [x, y],
  );
}

/** Whether a colour from {@link videoColourAt} is the red of testsrc2's left bar. */
export function isRed([r, g, b]: [number, number, number]): boolean {
  return r > 150 && g < 100 && b < 100;
}

/** One accessibility rule an axe-core scan found broken, with the elements that break it. */
export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2 A and AA rules) in the page and returns the serious and critical
 * violations. axe is injected as source text, so the page needs no network.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol: the app's Content-Security-Policy (rightly) refuses
  // inline <script> elements, which addScriptTag({ content }) would add.
  await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
}
