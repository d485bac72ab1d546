/**
 * `npx tsx bench/joinTimeline.ts [loads]`: where a viewer's join spends its time. A studio browser
 * publishes a red picture onto the main channel; fresh viewer pages open `/channel/main`, and the
 * last one prints its timeline in ms from navigation start: script files, the WebSocket, every
 * socket.io message in and out, every RTCPeerConnection call and state, and the first presented
 * frame. Not a figure of `npm run bench` (that is `join.p50Ms`): a tool for finding what to cut.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from '../test/support/browser';
import { startTestServer, TestClient } from '../test/support/server';
import { quantile } from './report';

/** Runs in each viewer page before its scripts; kept as source text (tsx helpers do not exist there). */
const TIMELINE = `
  window.joinMarks = [];
  const mark = (what) => window.joinMarks.push([Math.round(performance.now()), what]);
  const NativeSocket = window.WebSocket;
  window.WebSocket = function (...args) {
    mark('websocket created');
    const ws = new NativeSocket(...args);
    ws.addEventListener('open', () => mark('websocket open'));
    ws.addEventListener('message', (e) => mark('in  ' + String(e.data).slice(0, 48)));
    const send = ws.send.bind(ws);
    ws.send = (data) => { mark('out ' + String(data).slice(0, 48)); send(data); };
    return ws;
  };
  window.WebSocket.prototype = NativeSocket.prototype;
  Object.assign(window.WebSocket, NativeSocket);
  for (const name of ['setRemoteDescription', 'setLocalDescription', 'createAnswer', 'createOffer']) {
    const call = RTCPeerConnection.prototype[name];
    RTCPeerConnection.prototype[name] = async function (...args) {
      mark('pc.' + name);
      try { return await call.apply(this, args); } finally { mark('pc.' + name + ' done'); }
    };
  }
  const NativePc = RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    const pc = new NativePc(...args);
    pc.addEventListener('connectionstatechange', () => mark('pc ' + pc.connectionState));
    return pc;
  };
  window.RTCPeerConnection.prototype = NativePc.prototype;
  Object.assign(window.RTCPeerConnection, NativePc);
  document.addEventListener('DOMContentLoaded', () => mark('DOMContentLoaded'));
  const watch = () => {
    const video = document.querySelector('video[data-testid="player"]');
    if (!video) return void setTimeout(watch, 2);
    mark('video element');
    video.requestVideoFrameCallback(() => { mark('first frame'); window.joinFirstFrame = performance.now(); });
  };
  watch();
`;

declare global {
  interface Window {
    joinMarks: Array<[number, string]>;
    joinFirstFrame?: number;
  }
}

const loads = Number(process.argv[2] ?? 8);
const server = await startTestServer({ TEST_PATTERNS: 'false', LOG_LEVEL: 'error' });
const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-join-'));
const browsers = [];
try {
  const file = join(dir, 'red.y4m');
  execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=red:s=640x360:r=25', '-t', '2', '-pix_fmt', 'yuv420p', file]);
  const studio = await launchBrowser([`--use-file-for-fake-video-capture=${file}`]);
  browsers.push(studio);
  const studioPage = await studio.newPage();
  await studioPage.goto(`${server.url}/studio/singapore?token=${await server.access.mint({ role: 'studio', studioId: 'singapore' })}`);
  await studioPage.getByRole('textbox', { name: 'Feed name' }).fill('Red');
  await studioPage.getByRole('button', { name: 'Go live' }).click();
  await studioPage.getByTestId('publish-state').filter({ hasText: 'Publishing' }).waitFor({ timeout: 20_000 });
  const producer = await TestClient.connectAs(server, { role: 'producer' });
  await producer.ok('program:take', { channelId: 'main', feedId: server.feeds.feeds.find((f) => f.label === 'Red')!.id });
  producer.close();

  const viewer = await launchBrowser();
  browsers.push(viewer);
  const firsts: number[] = [];
  for (let i = 0; i < loads; i++) {
    const page = await viewer.newPage();
    await page.addInitScript({ content: TIMELINE });
    await page.goto(`${server.url}/channel/main`);
    const first = (await (await page.waitForFunction(() => window.joinFirstFrame, undefined, { timeout: 20_000, polling: 20 })).jsonValue()) as number;
    firsts.push(first);
    console.log(`load ${i + 1}/${loads}: first frame at ${Math.round(first)} ms`);
    if (i === loads - 1) {
      const scripts = await page.evaluate(() =>
        (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => /\.(js|css)$/.test(r.name)).map((r) => `${Math.round(r.startTime)}–${Math.round(r.responseEnd)}\t${r.name.split('/').pop()}`),
      );
      const marks = await page.evaluate(() => window.joinMarks);
      console.log(['', ...scripts, '', ...marks.map(([at, what]) => `${at}\t${what}`)].join('\n'));
    }
    await page.close();
  }
  console.log(`\np50 ${Math.round(quantile(firsts, 0.5))} ms over ${loads} loads (the first is a cold browser)`);
} finally {
  for (const browser of browsers) await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
