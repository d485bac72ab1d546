// A viewer on a narrow link: its Chromium runs in a network namespace of the test's making
// (test/support/netns.ts) whose link to the server the kernel limits with a token bucket (tc tbf),
// as a hotel's Wi-Fi or a mobile link would. The server listens on the host's end of that link
// (web and WebRTC), so all the viewer receives goes through the limit. It watches at full rate,
// then limited to 500 kbit/s, then with the limit lifted, and the test records what it got in
// each phase: rate, frames, loss, the longest freeze.
//
// Today the program is one layer of about 900 kbit/s (800k VP8 and 64k Opus): through 500 kbit/s
// more than half its packets are lost and the picture freezes (measured: 0.1 frames a second over
// 15 s, 58% loss, 800 NACKs, 4 PLIs; NACKs only add to the load). What holds already: the limit
// really limits, and the viewer is back at full rate by itself soon after the limit goes. That it
// keeps decoding through the limit needs simulcast (a lower layer that fits): the harness is here.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ViewerNetwork } from '../support/netns';
import { freeTcpPort } from '../support/ports';
import { startTestServer, type TestServer } from '../support/server';
import { frameGaps, inboundVideo, recordPeerConnections, startFrameClock, type InboundVideo } from '../support/webrtcStats';

let network: ViewerNetwork;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  network = await ViewerNetwork.create();
  const port = await freeTcpPort();
  server = await startTestServer({
    HOST: network.hostIp,
    PORT: String(port),
    RTC_LISTEN_IP: network.hostIp,
    ANNOUNCED_IP: network.hostIp,
    WORKERS: '1',
  });
  browser = await network.launchBrowser({ secureOrigins: [server.url] });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await network?.close();
});

/** What the viewer received over one phase. */
interface Phase {
  name: string;
  seconds: number;
  kbps: number;
  framesPerSecond: number;
  lossPercent: number;
  longestFreezeMs: number;
  nacks: number;
  plis: number;
  height: number;
}

async function observe(page: Page, name: string, seconds: number): Promise<Phase> {
  const before: InboundVideo = await inboundVideo(page);
  await frameGaps(page); // resets the clock
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = await inboundVideo(page);
  const gaps = await frameGaps(page);
  const received = after.packetsReceived - before.packetsReceived;
  const lost = after.packetsLost - before.packetsLost;
  return {
    name,
    seconds,
    kbps: Math.round(((after.bytesReceived - before.bytesReceived) * 8) / seconds / 1000),
    framesPerSecond: Math.round((10 * (after.framesDecoded - before.framesDecoded)) / seconds) / 10,
    lossPercent: received + lost > 0 ? Math.round((1000 * lost) / (received + lost)) / 10 : 0,
    longestFreezeMs: gaps.longestGapMs,
    nacks: after.nackCount - before.nackCount,
    plis: after.pliCount - before.pliCount,
    height: after.frameHeight,
  };
}

it('loses most of the one layer through 500 kbit/s, and is back at full rate when the limit is lifted', async () => {
  const page = await browser.newPage();
  try {
    await recordPeerConnections(page);
    await page.goto(`${server.url}/channel/main`);
    await expect.poll(() => page.getByTestId('player').getAttribute('data-state'), { timeout: 30_000 }).toBe('playing');
    await expect.poll(async () => (await inboundVideo(page)).framesDecoded, { timeout: 30_000 }).toBeGreaterThan(25);
    await startFrameClock(page, '[data-testid="player"]');

    const open = await observe(page, 'open link', 5);
    await network.limit({ downKbit: 500 });
    const sentBefore = await network.bytesToViewer();
    const limited = await observe(page, '500 kbit/s', 15);
    const linkKbps = ((await network.bytesToViewer()) - sentBefore) * 8 / 15 / 1000;
    await network.limit(undefined);
    // Give it time to ask for a keyframe and catch up, then measure.
    await new Promise((r) => setTimeout(r, 3000));
    const lifted = await observe(page, 'limit lifted', 5);
    console.info(`narrow link, one layer:\n${[open, limited, lifted].map((p) => JSON.stringify(p)).join('\n')}\nlink carried ${Math.round(linkKbps)} kbit/s while limited`);

    // Full rate on the open link: the test pattern's 25 fps at about 800 kbit/s.
    expect(open.framesPerSecond).toBeGreaterThan(20);
    expect(open.kbps).toBeGreaterThan(500);
    // The limit limits: what crossed the link (everything toward the viewer, with its headers and
    // the token bucket's burst) is about 500 kbit/s, and the video received less.
    expect(linkKbps).toBeLessThan(575);
    expect(limited.kbps).toBeLessThan(500);
    // One layer of 900 kbit/s does not fit: packets are lost (measured: about 60%, with the
    // picture frozen, 0-1 frames a second; a lower simulcast layer is what would keep it decoding).
    expect(limited.lossPercent).toBeGreaterThan(10);
    // Once the link widens it recovers by itself: a keyframe, then full rate without freezes.
    expect(lifted.framesPerSecond).toBeGreaterThan(15);
    expect(lifted.longestFreezeMs).toBeLessThan(1000);
  } finally {
    await page.close();
  }
});
