/**
 * Switch time and join time with real browsers on loopback: two studios publish pictures of
 * different colours from chromium's fake camera; a viewer page plays the main channel.
 *  - switch: from sending TAKE to the first frame of the new colour presented at the viewer, and the
 *    longest gap between presented frames around each cut (a freeze the viewer would notice);
 *    beside it, switch.unavoidableP50Ms, the part no SFU can avoid (the new feed's keyframe: from the
 *    bus's request to its arrival, plus a frame), and switch.overUnavoidable, the ratio;
 *  - join: from opening the channel page to its first presented frame, with only the studio on air
 *    publishing; beside it, alternating, the minimal viewer's (bench/minimalViewer.ts), and the ratio
 *    join.overMinimal.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser';
import { startTestServer, TestClient } from '../test/support/server';
import { startMinimalViewer } from './minimalViewer';
import { progress, quantile, type Figure, type FigureKey } from './report';

const CUTS = 20;
/** One frame of the 25 fps cameras. */
const FRAME_MS = 40;
const JOINS = 20;
const STUDIOS = [
  { id: 'singapore', feed: 'Singapore red', colour: 'red' },
  { id: 'london', feed: 'London blue', colour: 'blue' },
] as const;

declare global {
  interface Window {
    /** Presented frames at the viewer: wall-clock ms and the colour at the centre. */
    benchFrames: Array<[number, string]>;
    /** performance.now() of the first presented frame. */
    benchFirstFrame?: number;
  }
}

/**
 * Runs in the viewer page: records every presented frame's time and centre colour. Kept as source
 * text because tsx names functions with a helper that does not exist inside the page.
 */
const RECORD_FRAMES = `
  window.benchFrames = [];
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 4;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const start = () => {
    const video = document.querySelector('video[data-testid="player"]');
    // Watching from the moment the element exists: the first callback is the first frame shown.
    if (!video) return void setTimeout(start, 5);
    const onFrame = () => {
      const at = performance.timeOrigin + performance.now();
      window.benchFirstFrame ??= performance.now();
      ctx.drawImage(video, 0, 0, 4, 4);
      const [r, g, b] = ctx.getImageData(2, 2, 1, 1).data;
      const colour = r > 150 && g < 100 && b < 100 ? 'red' : b > 150 && r < 100 && g < 100 ? 'blue' : 'other';
      window.benchFrames.push([at, colour]);
      if (window.benchFrames.length > 20000) window.benchFrames.splice(0, 10000);
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
`;

/** Measures switch and join times; returns the figures. */
export async function measureProgram(): Promise<Map<FigureKey, Figure>> {
  const figures = new Map<FigureKey, Figure>();
  progress('program: starting a server and two studio browsers');
  const server = await startTestServer({ TEST_PATTERNS: 'false', LOG_LEVEL: 'error' });
  const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-bench-'));
  const browsers: Browser[] = [];
  try {
    const feedIds: Record<string, string> = {};
    for (const studio of STUDIOS) {
      const file = join(dir, `${studio.id}.y4m`);
      execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', `color=c=${studio.colour}:s=640x360:r=25`, '-t', '2', '-pix_fmt', 'yuv420p', file]);
      const browser = await launchBrowser([`--use-file-for-fake-video-capture=${file}`]);
      browsers.push(browser);
      const page = await browser.newPage();
      await page.goto(`${server.url}/studio/${studio.id}?token=${await server.access.mint({ role: 'studio', studioId: studio.id })}`);
      await page.getByRole('textbox', { name: 'Feed name' }).fill(studio.feed);
      await page.getByRole('button', { name: 'Go live' }).click();
      await page.getByTestId('publish-state').filter({ hasText: 'Publishing' }).waitFor({ timeout: 20_000 });
      feedIds[studio.colour] = server.feeds.feeds.find((f) => f.label === studio.feed)!.id;
    }
    const producer = await TestClient.connectAs(server, { role: 'producer' });
    await producer.ok('program:take', { channelId: 'main', feedId: feedIds.red! });
    const viewerBrowser = await launchBrowser();
    browsers.push(viewerBrowser);

    // Switch time.
    const viewer = await viewerBrowser.newPage();
    await viewer.addInitScript({ content: RECORD_FRAMES });
    await viewer.goto(`${server.url}/channel/main`);
    await viewer.waitForFunction(() => window.benchFrames.some(([, c]) => c === 'red'), undefined, { timeout: 20_000 });
    const switches: number[] = [];
    const freezes: number[] = [];
    // The part no SFU can avoid, per cut: from the bus asking the new feed for a keyframe (the take
    // is pending) to that keyframe's arrival at the bus (the cut), plus one frame interval.
    const unavoidable: number[] = [];
    const bus = server.channels.bus('main');
    let watched: { feedId: string; askedAt?: number; cutAt?: number } | undefined;
    const onChanged = () => {
      const state = bus.state();
      if (!watched) return;
      if (state.pending === watched.feedId && watched.askedAt === undefined) watched.askedAt = performance.now();
      if (state.program === watched.feedId && watched.cutAt === undefined) watched.cutAt = performance.now();
    };
    bus.on('changed', onChanged);
    let failed = 0;
    for (let i = 0; i < CUTS; i++) {
      const colour = i % 2 === 0 ? 'blue' : 'red';
      await sleep(1000);
      const sentAt = Date.now();
      watched = { feedId: feedIds[colour]! };
      await producer.ok('program:take', { channelId: 'main', feedId: feedIds[colour]! });
      const shownAt = await viewer
        .waitForFunction(
          ([c, t]) => window.benchFrames.find(([at, seen]) => at >= t && seen === c)?.[0],
          [colour, sentAt] as const,
          { timeout: 5000, polling: 50 },
        )
        .then((h) => h.jsonValue() as Promise<number>)
        .catch(() => undefined);
      if (shownAt === undefined) {
        failed++;
        continue;
      }
      switches.push(shownAt - sentAt);
      if (watched.askedAt !== undefined && watched.cutAt !== undefined) unavoidable.push(watched.cutAt - watched.askedAt + FRAME_MS);
      await sleep(500);
      const gaps = await viewer.evaluate(
        ([from, to]) => {
          const times = window.benchFrames.map(([at]) => at).filter((at) => at >= from && at <= to);
          return times.slice(1).map((t, k) => t - times[k]!);
        },
        [sentAt - 500, sentAt + 1500] as const,
      );
      freezes.push(Math.max(0, ...gaps));
      progress(`switch ${i + 1}/${CUTS}: ${Math.round(shownAt - sentAt)} ms, longest frame gap ${Math.round(freezes.at(-1)!)} ms`);
    }
    bus.off('changed', onChanged);
    const conditions = `${switches.length} cuts between two 640x360 25 fps chromium fake cameras, viewer in headless chromium, loopback${failed ? `, ${failed} cuts not seen within 5 s` : ''}`;
    if (switches.length > 0) {
      figures.set('switch.p50Ms', { value: Math.round(quantile(switches, 0.5)), unit: 'ms', conditions });
      figures.set('switch.p95Ms', { value: Math.round(quantile(switches, 0.95)), unit: 'ms', conditions });
      if (unavoidable.length > 0) {
        const base = quantile(unavoidable, 0.5);
        const how = `${unavoidable.length} of the same cuts: from the bus asking the studio's encoder (chromium) for a keyframe to the keyframe's arrival at the bus, plus one frame interval (${FRAME_MS} ms)`;
        figures.set('switch.unavoidableP50Ms', { value: Math.round(base), unit: 'ms, p50', conditions: how });
        const p95 = quantile(switches, 0.95) / quantile(unavoidable, 0.95);
        figures.set('switch.overUnavoidable', {
          value: Math.round((quantile(switches, 0.5) / base) * 100) / 100,
          unit: 'switch p50 / unavoidable p50',
          conditions: `${how}; switch p50 ${Math.round(quantile(switches, 0.5))} ms; at p95: ${Math.round(quantile(switches, 0.95))} / ${Math.round(quantile(unavoidable, 0.95))} ms = ${p95.toFixed(2)}`,
        });
      } else {
        for (const key of ['switch.unavoidableP50Ms', 'switch.overUnavoidable'] as const) figures.set(key, { value: null, reason: 'no cut was timed at the bus' });
      }
      figures.set('switch.maxFreezeMs', { value: Math.round(Math.max(...freezes)), unit: 'ms', conditions: `longest gap between presented frames from 0.5 s before to 1.5 s after each cut; ${conditions}` });
    } else {
      for (const key of ['switch.p50Ms', 'switch.p95Ms', 'switch.maxFreezeMs', 'switch.unavoidableP50Ms', 'switch.overUnavoidable'] as const) figures.set(key, { value: null, reason: 'no cut was seen by the viewer' });
    }
    await viewer.close();

    // Join time. Only the studio on air goes on publishing: the other one's encoder (there for the
    // cuts) would share the machine's two cores with the joining viewer, which at an event it never
    // does (studios encode on their own machines, viewers decode on theirs).
    await producer.ok('program:take', { channelId: 'main', feedId: feedIds.red! });
    const [blueStudio] = browsers.splice(1, 1); // studios were launched red, then blue
    await blueStudio?.close();
    // Beside each load of the watch page, one of the minimal viewer (the baseline: bench/minimalViewer.ts).
    const minimal = await startMinimalViewer(server);
    const joins: number[] = [];
    const minimalJoins: number[] = [];
    try {
      for (let i = 0; i < JOINS; i++) {
        for (const [url, into, name] of [
          [`${server.url}/channel/main`, joins, 'watch page'],
          [minimal.url, minimalJoins, 'minimal viewer'],
        ] as const) {
          const page: Page = await viewerBrowser.newPage();
          await page.addInitScript({ content: RECORD_FRAMES });
          await page.goto(url);
          const first = await page
            .waitForFunction(() => window.benchFirstFrame, undefined, { timeout: 20_000, polling: 20 })
            .then((h) => h.jsonValue() as Promise<number>)
            .catch(() => undefined);
          if (first !== undefined) into.push(first);
          progress(`join ${i + 1}/${JOINS}, ${name}: ${first === undefined ? 'no frame within 20 s' : `${Math.round(first)} ms`}`);
          await page.close();
        }
      }
    } finally {
      await minimal.close();
    }
    const joinConditions = `${joins.length} of ${JOINS} page loads of /channel/main to the first presented frame, alternating with the minimal viewer, one studio browser publishing on the same machine, headless chromium, loopback`;
    figures.set('join.p50Ms', joins.length ? { value: Math.round(quantile(joins, 0.5)), unit: 'ms', conditions: joinConditions } : { value: null, reason: 'no join showed a frame' });
    figures.set('join.p95Ms', joins.length ? { value: Math.round(quantile(joins, 0.95)), unit: 'ms', conditions: joinConditions } : { value: null, reason: 'no join showed a frame' });
    if (joins.length && minimalJoins.length) {
      const minimalConditions = `${minimalJoins.length} of ${JOINS} loads of the minimal viewer (bench/minimalViewer.ts: a static page, one request making the transport and both consumers, one RTCPeerConnection, one offer), alternating with the watch page, same browser, server and program`;
      figures.set('join.minimalP50Ms', { value: Math.round(quantile(minimalJoins, 0.5)), unit: 'ms', conditions: `${minimalConditions}; p95 ${Math.round(quantile(minimalJoins, 0.95))} ms` });
      figures.set('join.overMinimal', {
        value: Math.round((quantile(joins, 0.5) / quantile(minimalJoins, 0.5)) * 100) / 100,
        unit: 'watch page p50 / minimal viewer p50',
        conditions: `${minimalConditions}; watch page p50 ${Math.round(quantile(joins, 0.5))} ms`,
      });
    } else {
      for (const key of ['join.minimalP50Ms', 'join.overMinimal'] as const) figures.set(key, { value: null, reason: 'the watch page or the minimal viewer showed no frame' });
    }
    producer.close();
  } finally {
    for (const browser of browsers) await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
