// Driving and reading the exhibition's 3D hall in headless chromium, for tests and the bench.
import type { Page } from 'playwright-core';
import type { ExhibitionProbe } from '../../client/src/testProbes';

/** Chromium draws WebGL on the CPU with SwiftShader (through ANGLE); --disable-gpu alone turns WebGL off. */
export const SOFTWARE_WEBGL = ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

/** What the hall publishes as `window.__exhibition` for tests and the bench (declared with the client's other probes). */
export type HallProbe = ExhibitionProbe;

/** The hall's probe; fails when the hall is not on the page. */
export async function probe(page: Page): Promise<HallProbe> {
  const value = await page.evaluate(() => window.__exhibition);
  if (!value) throw new Error('the exhibition hall is not on the page');
  return value;
}

/** Holds `key` until `done` holds (checked every 50 ms), at most `ms`; a failure says where the visitor stands. */
export async function holdUntil(page: Page, key: string, done: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  await page.keyboard.down(key);
  try {
    const until = Date.now() + ms;
    while (!(await done())) {
      if (Date.now() > until) throw new Error(`still not there after holding ${key} for ${ms} ms: at ${JSON.stringify((await probe(page)).position)}`);
      await page.waitForTimeout(50);
    }
  } finally {
    await page.keyboard.up(key);
  }
}

/**
 * A canvas's picture scaled to `width` pixels across, as grey levels, with how many distinct colours
 * (4 bits a channel) it has; `region` crops it first (fractions of the canvas: x, y, width, height).
 */
export function canvasGrey(page: Page, selector: string, width: number, region: [number, number, number, number] = [0, 0, 1, 1]): Promise<{ grey: number[]; colours: number }> {
  return page.$eval(
    selector,
    (el, [w, [rx, ry, rw, rh]]) => {
      const gl = el as HTMLCanvasElement;
      const c = document.createElement('canvas');
      c.width = w;
      c.height = Math.max(1, Math.round((w * gl.height * rh) / (gl.width * rw)));
      const ctx = c.getContext('2d')!;
      ctx.drawImage(gl, gl.width * rx, gl.height * ry, gl.width * rw, gl.height * rh, 0, 0, c.width, c.height);
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      const grey: number[] = [];
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4) {
        grey.push(Math.round(0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!));
        colours.add((data[i]! >> 4) * 256 + (data[i + 1]! >> 4) * 16 + (data[i + 2]! >> 4));
      }
      return { grey, colours: colours.size };
    },
    [width, region] as const,
  );
}

/** Mean and variance of a canvas's luminance, and its number of colours: a blank picture has little of either. */
export async function canvasLuminance(page: Page, selector = '[data-testid="hall"] canvas[data-engine]'): Promise<{ mean: number; variance: number; colours: number }> {
  const { grey, colours } = await canvasGrey(page, selector, 320);
  const mean = grey.reduce((a, b) => a + b, 0) / grey.length;
  const variance = grey.reduce((a, b) => a + (b - mean) ** 2, 0) / grey.length;
  return { mean, variance, colours };
}
