// HLS in a real browser: WebRTC's ports are unreachable (the server announces 127.0.0.9, where
// nothing listens), so the watch page falls back to HLS by itself and says so in the UI language
// (German here); hls.js plays the main channel in headless Chromium, shows caption cues (sent
// through the caption ingest API) in English and then in Japanese from the stream's own subtitle
// tracks, and a take on the console reaches the HLS picture.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { FfmpegProcess } from '../../server/src/ingest/FfmpegProcess';
import { RtpEndpoint, ffmpegRtpOutputs, opusEncoderOptions, vp8EncoderOptions } from '../../server/src/ingest/RtpEndpoint';
import { createLogger } from '../../server/src/logger';
import { browserTest } from '../support/fixtures';
import { isRed, screenshot, videoColourAt, videoProgress } from '../support/browser';

const german = JSON.parse(readFileSync(join(import.meta.dirname, '../../client/src/i18n/locales/de/viewer.json'), 'utf8')) as {
  path: { noConnection: string };
};

const test = browserTest({ WORKERS: '1', HLS_CHANNELS: 'main', ANNOUNCED_IP: '127.0.0.9' });

test('falls back to HLS when WebRTC cannot connect, plays captions in English then Japanese, and shows a take', async ({ server, pages, producer }) => {
  // A red studio camera to cut to: a take is then a colour on the HLS picture.
  const feed = server.feeds.open('london', 'London red', 'rtp');
  const endpoint = await RtpEndpoint.open({ feed, router: server.pool.ingest.router, listenIp: '127.0.0.1' });
  const out = ffmpegRtpOutputs(endpoint.targets);
  const camera = new FfmpegProcess({
    args: [
      '-re', '-f', 'lavfi', '-i', 'color=c=red:size=640x360:rate=25',
      '-re', '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo',
      '-map', '0:v:0', ...vp8EncoderOptions('200k', 25), ...out.video,
      '-map', '1:a:0', ...opusEncoderOptions('32k'), ...out.audio,
    ],
    restart: false,
    logger: createLogger('warn'),
    what: 'red camera',
  });
  try {
    // Captioned before (players read the master playlist once: its languages are those captioned
    // so far). Through the HTTP ingest, as a captioning provider sends them.
    const token = await server.access.mint({ role: 'captioner', channelId: 'main', languages: ['en', 'ja'] });
    const caption = async (id: string, language: 'en' | 'ja', startMs: number, endMs: number, text: string) => {
      const response = await fetch(`${server.url}/api/channels/main/captions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ cues: [{ id, language, startMs, endMs, text }] }),
      });
      expect(response.status).toBe(200);
    };
    for (const language of ['en', 'ja'] as const) await caption(`earlier-${language}`, language, Date.now() - 10_000, Date.now() - 8000, '…');

    const page = await pages.open({ locale: 'de-DE' });
    await page.addInitScript(() => localStorage.setItem('hybrid-stage.captions.language', 'en'));
    await page.goto(`${server.url}/channel/main`);
    // WebRTC shows no picture within the page's few seconds: HLS, and the page says why, in German.
    await expect.poll(() => page.getByTestId('fallback-note').textContent(), { timeout: 20_000 }).toBe(german.path.noConnection);
    const badge = page.getByTestId('path-badge');
    await expect.poll(() => badge.getAttribute('data-path')).toBe('hls');
    await expect.poll(() => badge.textContent(), { timeout: 60_000 }).toMatch(/^HLS · \d+ s hinter live$/);
    const player = '[data-testid="player"]';
    await expect.poll(async () => (await videoProgress(page, player)).width, { timeout: 30_000 }).toBe(640);
    const frames = (await videoProgress(page, player)).frames;
    await expect.poll(async () => (await videoProgress(page, player)).frames, { timeout: 15_000 }).toBeGreaterThan(frames + 25);

    // Cues typed now stay up for 30 s: the HLS picture shows this moment some seconds from now.
    const cueAt = Date.now();
    const texts = { en: 'Good morning, everyone watching over HLS.', ja: 'HLS でご覧のみなさん、おはようございます。' };
    for (const [language, text] of Object.entries(texts) as Array<['en' | 'ja', string]>) {
      await caption(`now-${language}`, language, cueAt, cueAt + 30_000, text);
    }
    await expect.poll(() => page.getByTestId('captions').textContent(), { timeout: 45_000 }).toBe(texts.en);
    await page.getByLabel('Untertitel').selectOption('ja');
    await expect.poll(() => page.getByTestId('captions').textContent(), { timeout: 30_000 }).toBe(texts.ja);
    await expect.poll(() => page.getByTestId('captions').getAttribute('lang')).toBe('ja');
    // Pictures for people to look at, not assertions: on a loaded machine a screenshot can time out.
    await screenshot(page, 'hls-fallback-captions').catch(() => undefined);

    // A take reaches the HLS picture a few seconds later (a segment or two, and the player's distance behind live).
    await producer.take('main', feed.id);
    await expect.poll(() => videoColourAt(page, 0.5, 0.5, player).then(isRed), { timeout: 45_000 }).toBe(true);
    await screenshot(page, 'hls-after-take').catch(() => undefined);
  } finally {
    camera.close();
    endpoint.close();
  }
}, 300_000);
