import { expect, it } from 'vitest';
import { restartDelay } from './FfmpegProcess';

it('waits the base time after a run that lasted, then twice as long after each quick exit, up to the maximum', () => {
  expect([0, 1, 2, 3, 4, 5, 6, 7, 50].map((n) => restartDelay(200, 10_000, n))).toEqual([200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000]);
});

it('never backs off without a maximum above the base', () => {
  expect([0, 3, 40].map((n) => restartDelay(1000, 1000, n))).toEqual([1000, 1000, 1000]);
});
