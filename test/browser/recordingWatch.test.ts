// A producer watches a finished recording in the console, in Debian's chromium: Watch has the
// server package it as HLS, and hls.js plays it with the browser's controls and a subtitle track
// per caption language; a seek lands on the Japanese line said at that moment.
import { expect } from 'vitest';
import { browserTest } from '../support/fixtures';
import { screenshot, videoProgress } from '../support/browser';

const test = browserTest({ WORKERS: '1' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('plays a recording over HLS in the console, with its captions in the language chosen', async ({ server, producer, pages }) => {
  await expect.poll(() => server.channels.bus('main').state().program, { timeout: 10_000 }).not.toBeNull();
  const recording = await producer.ok('recording:start', { channelId: 'main' });
  // 3 s in, a line in English and in Japanese, for 2 s.
  await sleep(Math.max(0, recording.startedAtMs + 3000 - Date.now()));
  const startMs = recording.startedAtMs + 3000;
  await producer.ok('captions:ingest', {
    channelId: 'main',
    cues: [
      { id: 'archive-en', language: 'en', startMs, endMs: startMs + 2000, text: 'Good morning from the archive.' },
      { id: 'archive-ja', language: 'ja', startMs, endMs: startMs + 2000, text: 'アーカイブからおはようございます。' },
    ],
  });
  await sleep(Math.max(0, recording.startedAtMs + 7000 - Date.now()));
  await producer.ok('recording:stop', { channelId: 'main' });

  const console = await pages.open({ viewport: { width: 1400, height: 1600 } });
  await console.goto(`${server.url}/console?token=${await server.access.mint({ role: 'producer' })}`);
  await console.getByTestId('recordings').getByRole('button', { name: 'Watch' }).click();
  const viewer = console.getByTestId('recording-viewer');
  const video = viewer.getByTestId('recording-player');
  await video.waitFor({ timeout: 60_000 });
  expect(await video.getAttribute('data-path')).toBe('hls');
  expect(await video.evaluate((v: HTMLVideoElement) => v.controls)).toBe(true);
  // It plays: frames of the recording's size come, and its time runs.
  await expect.poll(async () => (await videoProgress(console, '[data-testid="recording-player"]')).frames, { timeout: 20_000 }).toBeGreaterThan(25);
  expect((await videoProgress(console, '[data-testid="recording-player"]')).width).toBe(640);
  expect(await video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0.5);

  // Japanese captions, and a seek to the moment of the line.
  await viewer.getByLabel('Captions').selectOption('ja');
  await video.evaluate((v: HTMLVideoElement) => {
    v.currentTime = 3.5;
    v.pause();
  });
  await expect.poll(() => viewer.getByTestId('captions').textContent(), { timeout: 15_000 }).toContain('アーカイブからおはようございます。');
  expect(await viewer.getByTestId('captions').textContent()).not.toContain('Good morning');
  await screenshot(console, 'recording-watch');

  // Closed, it stops.
  await viewer.getByRole('button', { name: 'Close' }).click();
  await expect.poll(() => console.getByTestId('recording-viewer').count()).toBe(0);
});
