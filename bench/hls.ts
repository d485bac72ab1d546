/**
 * HLS, beside baselines measured in the same run (one server, one worker, the main channel packaged):
 *  - hls.glassToGlassMs: from sending TAKE to the first frame of the new colour presented by hls.js
 *    in headless chromium (p50); the baseline is the same cut seen by a WebRTC viewer page;
 *  - hls.captionOffsetMs: a desk's cue, its start the moment it is sent (its words on the program),
 *    against where the HLS picture stands on the program's clock when hls.js shows the cue (|p95|);
 *    the baseline is the same reading for the picture itself: a cut's first new frame against the TAKE;
 *  - hls.packagerCpuPerChannel: the share of one core the channel's packager (ffmpeg: VP8 decode,
 *    the H.264 ladder, AAC) uses over 20 s; the baseline is one 640x360 VP8 camera encode (ffmpeg)
 *    measured over the same 20 s.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { FfmpegProcess } from '../server/src/ingest/FfmpegProcess';
import { RtpEndpoint, ffmpegRtpOutputs, opusEncoderOptions, vp8EncoderOptions } from '../server/src/ingest/RtpEndpoint';
import { createLogger } from '../server/src/logger';
import { launchBrowser } from '../test/support/browser';
import { startTestServer, TestClient, type TestServer } from '../test/support/server';
import { progress, quantile, type Figure, type FigureKey } from './report';
// The pages' probes on window (__hlsProgramDateAtZeroMs), typed where the pages write them.
import type {} from '../client/src/testProbes';

const CUTS = 8;
const CAPTION_CUES = 8;
const CPU_WINDOW_MS = 20_000;

declare global {
  interface Window {
    /** Presented frames: wall-clock ms, the colour at the centre, and the frame's media time in ms. */
    benchHlsFrames: Array<[number, string, number]>;
    /** Caption lines as they appear: their text and the video's media time then, in ms. */
    benchHlsCaptions: Array<[string, number]>;
  }
}

/** Runs in a viewer page: records every presented frame's time and centre colour (source text: see program.ts). */
const RECORD_FRAMES = `
  window.benchHlsFrames = [];
  window.benchHlsCaptions = [];
  let caption = '';
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 4;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  let watched;
  const watch = () => {
    const video = document.querySelector('video[data-testid="player"]');
    if (video && video !== watched) {
      watched = video;
      const onFrame = (_now, metadata) => {
        ctx.drawImage(video, 0, 0, 4, 4);
        const [r, g, b] = ctx.getImageData(2, 2, 1, 1).data;
        const colour = r > 150 && g < 100 && b < 100 ? 'red' : b > 150 && r < 100 && g < 100 ? 'blue' : 'other';
        window.benchHlsFrames.push([performance.timeOrigin + performance.now(), colour, metadata.mediaTime * 1000]);
        const text = document.querySelector('[data-testid="captions"]')?.textContent ?? '';
        if (text !== caption) {
          caption = text;
          if (text) window.benchHlsCaptions.push([text, video.currentTime * 1000]);
        }
        if (window.benchHlsFrames.length > 20000) window.benchHlsFrames.splice(0, 10000);
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    }
    setTimeout(watch, 100);
  };
  watch();
`;

/** A camera of one colour, as an RTP encoder would send it. */
async function camera(server: TestServer, colour: 'red' | 'blue') {
  const feed = server.feeds.open('london', `London ${colour}`, 'rtp');
  const endpoint = await RtpEndpoint.open({ feed, router: server.pool.ingest.router, listenIp: '127.0.0.1' });
  const out = ffmpegRtpOutputs(endpoint.targets);
  const ffmpeg = new FfmpegProcess({
    args: [
      '-re', '-f', 'lavfi', '-i', `color=c=${colour}:size=640x360:rate=25`,
      '-re', '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo',
      '-map', '0:v:0', ...vp8EncoderOptions('300k', 25), ...out.video,
      '-map', '1:a:0', ...opusEncoderOptions('32k'), ...out.audio,
    ],
    restart: false,
    logger: createLogger('error'),
    what: `${colour} camera`,
  });
  return { feed, ffmpeg, close: () => (ffmpeg.close(), endpoint.close()) };
}

/** CPU seconds a process has used so far (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/**
 * Times from each TAKE to the first presented frame of the new colour on `page`, and where that
 * frame stands on the program's clock against the TAKE (HLS only: its media time on the player's clock).
 */
async function cuts(producer: TestClient, page: Page, feeds: Record<'red' | 'blue', string>, timeoutMs: number, what: string): Promise<{ times: number[]; programOffsets: number[] }> {
  const times: number[] = [];
  const programOffsets: number[] = [];
  for (let i = 0; i < CUTS; i++) {
    const colour = i % 2 === 0 ? 'blue' : 'red';
    const sentAt = Date.now();
    await producer.ok('program:take', { channelId: 'main', feedId: feeds[colour] });
    const frame = await page
      .waitForFunction(([c, t]) => window.benchHlsFrames.find(([at, seen]) => at >= t && seen === c), [colour, sentAt] as const, { timeout: timeoutMs, polling: 50 })
      .then((h) => h.jsonValue() as Promise<[number, string, number]>)
      .catch(() => undefined);
    const shownAt = frame?.[0];
    if (frame) {
      times.push(frame[0] - sentAt);
      const zero = await page.evaluate(() => window.__hlsProgramDateAtZeroMs);
      if (zero !== undefined) programOffsets.push(zero + frame[2] - sentAt);
    }
    progress(`${what} cut ${i + 1}/${CUTS}: ${shownAt === undefined ? 'not seen' : `${Math.round(shownAt - sentAt)} ms`}`);
    await new Promise((r) => setTimeout(r, 1500));
  }
  return { times, programOffsets };
}

/**
 * Cues sent by a desk while `page` plays HLS with English captions, each starting the moment it is
 * sent; for each one shown, where the picture stood on the program's clock then, minus its start.
 */
async function captionOffsets(desk: TestClient, page: Page): Promise<{ offsets: number[]; sent: number }> {
  const startOf = new Map<string, number>();
  for (let i = 0; i < CAPTION_CUES; i++) {
    const text = `Offset cue number ${i + 1}.`;
    const startMs = Date.now();
    startOf.set(text, startMs);
    await desk.ok('captions:commit', { channelId: 'main', language: 'en', text, startMs, endMs: startMs + 1500 });
    await new Promise((r) => setTimeout(r, 3000));
  }
  await new Promise((r) => setTimeout(r, 9000)); // the last cue's picture comes about 5.5 s later
  const { shown, zero } = await page.evaluate(() => ({ shown: window.benchHlsCaptions, zero: window.__hlsProgramDateAtZeroMs }));
  const offsets: number[] = [];
  for (const [text, startMs] of startOf) {
    const first = shown.find(([line]) => line.includes(text));
    if (first && zero !== undefined) offsets.push(zero + first[1] - startMs);
  }
  progress(`hls captions: ${offsets.length}/${CAPTION_CUES} cues shown, offsets ${offsets.map((o) => Math.round(o)).join(', ')} ms`);
  return { offsets, sent: CAPTION_CUES };
}

export async function measureHls(): Promise<Map<FigureKey, Figure>> {
  const figures = new Map<FigureKey, Figure>();
  progress('hls: a server packaging the main channel, two cameras');
  const server = await startTestServer({ TEST_PATTERNS: 'false', LOG_LEVEL: 'error', WORKERS: '1', HLS_CHANNELS: 'main' });
  const cameras = [await camera(server, 'red'), await camera(server, 'blue')];
  const browser = await launchBrowser();
  try {
    const feeds = { red: cameras[0]!.feed.id, blue: cameras[1]!.feed.id };
    const producer = await TestClient.connectAs(server, { role: 'producer' });
    await producer.take('main', feeds.red);

    // The packager's share of a core, against one camera's VP8 encode over the same window.
    await new Promise((r) => setTimeout(r, 5000)); // past the packager's start
    const packager = server.hls.packagerPid('main');
    const encoder = cameras[0]!.ffmpeg.pid;
    if (packager && encoder) {
      const before = [cpuSeconds(packager), cpuSeconds(encoder)];
      await new Promise((r) => setTimeout(r, CPU_WINDOW_MS));
      const [p, e] = [(cpuSeconds(packager) - before[0]!) / (CPU_WINDOW_MS / 1000), (cpuSeconds(encoder) - before[1]!) / (CPU_WINDOW_MS / 1000)];
      figures.set('hls.packagerCpuPerChannel', {
        value: Math.round(p * 1000) / 1000,
        unit: 'share of one core',
        conditions: `one channel, 640x360 25 fps VP8 program -> H.264 360p + 240p (superfast, zerolatency) + AAC, ${CPU_WINDOW_MS / 1000} s; baseline, one 640x360 VP8 camera encode in the same run: ${Math.round(e * 1000) / 1000}`,
      });
    } else figures.set('hls.packagerCpuPerChannel', { value: null, reason: 'the packager or the camera had no process' });

    const webrtc = await browser.newPage();
    await webrtc.addInitScript({ content: RECORD_FRAMES });
    await webrtc.goto(`${server.url}/channel/main`);
    await webrtc.waitForFunction(() => window.benchHlsFrames.some(([, c]) => c === 'red'), undefined, { timeout: 20_000 });
    const { times: baseline } = await cuts(producer, webrtc, feeds, 5000, 'webrtc');
    await webrtc.close();

    // An English cue before the HLS page loads, so its playlist lists an English subtitle track.
    const desk = await TestClient.connectAs(server, { role: 'captioner', channelId: 'main', languages: ['en'] });
    const now = Date.now();
    await desk.ok('captions:commit', { channelId: 'main', language: 'en', text: 'Warming up.', startMs: now, endMs: now + 1000 });
    const hls = await browser.newPage();
    await hls.addInitScript({
      content: `localStorage.setItem('hybrid-stage.player.path', 'hls');\nlocalStorage.setItem('hybrid-stage.captions.language', 'en');\n${RECORD_FRAMES}`,
    });
    await hls.goto(`${server.url}/channel/main`);
    // HLS shows the program some seconds late: until the WebRTC cuts above have played out of it,
    // a colour it shows may be an old cut's. Start once it has shown red alone for 4 s.
    await hls.waitForFunction(
      () => {
        const now = performance.timeOrigin + performance.now();
        const frames = window.benchHlsFrames;
        return frames.some(([at]) => at < now - 4000) && frames.filter(([at]) => at >= now - 4000).every(([, c]) => c === 'red');
      },
      undefined,
      { timeout: 60_000, polling: 250 },
    );
    const { times, programOffsets } = await cuts(producer, hls, feeds, 30_000, 'hls');
    producer.close();
    const captions = await captionOffsets(desk, hls);
    desk.close();
    if (captions.offsets.length >= captions.sent / 2) {
      const p = (q: number, values: number[]) => Math.round(quantile(values, q));
      figures.set('hls.captionOffsetMs', {
        value: p(0.95, captions.offsets.map(Math.abs)),
        unit: 'ms, |p95|',
        conditions:
          `${captions.offsets.length} of ${captions.sent} English cues from a desk, each starting when sent, shown by hls.js 1.7.4 in headless chromium: the picture's program time when the line appeared minus the cue's start (signed p50 ${p(0.5, captions.offsets)} ms; a frame is 40 ms); ` +
          `baseline, the picture itself on the same clock: a cut's first new frame minus its TAKE, p50 ${programOffsets.length ? p(0.5, programOffsets) : 'n/a'} ms`,
      });
    } else figures.set('hls.captionOffsetMs', { value: null, reason: `only ${captions.offsets.length} of ${captions.sent} cues were shown by the HLS viewer` });
    if (times.length > 0) {
      figures.set('hls.glassToGlassMs', {
        value: Math.round(quantile(times, 0.5)),
        unit: 'ms, p50',
        conditions: `${times.length} of ${CUTS} cuts between two 640x360 cameras seen by hls.js 1.7.4 in headless chromium (2 s segments, the player kept 5 s behind live by the segments' program dates, an English subtitle track on); baseline, WebRTC in the same run: p50 ${baseline.length ? Math.round(quantile(baseline, 0.5)) : 'n/a'} ms`,
      });
    } else figures.set('hls.glassToGlassMs', { value: null, reason: 'no cut was seen by the HLS viewer' });
  } finally {
    await browser.close();
    for (const c of cameras) c.close();
    await server.close();
  }
  return figures;
}
