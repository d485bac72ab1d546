// Media through mediasoup into a real browser: Debian's chromium decodes a channel's program.
import { expect } from 'vitest';
import { isRed, screenshot, videoColourAt, videoProgress } from '../support/browser';
import { browserTest } from '../support/fixtures';
import { recordPeerConnections } from '../support/webrtcStats';

const test = browserTest();

test('plays the main channel from the home page: the London test pattern', async ({ server, pages }) => {
  const page = await pages.open({ viewport: { width: 1200, height: 800 } });
  // Keep the page's peer connections reachable, to read what the browser receives over RTCP.
  await recordPeerConnections(page);
  await page.goto(server.url);
  await page.getByRole('link', { name: /Main stage/ }).click();
  await expect.poll(() => videoProgress(page), { timeout: 20_000 }).toMatchObject({ width: 640, height: 360 });
  const before = (await videoProgress(page)).frames;
  await expect.poll(async () => (await videoProgress(page)).frames, { timeout: 10_000 }).toBeGreaterThan(before + 25);
  // The left bar of ffmpeg's testsrc2 is red, so this is the pattern's picture, not a black frame.
  // The pattern's moving stripe crosses the bar now and then: look until the bar shows.
  await expect.poll(() => videoColourAt(page, 0.05, 0.85).then(isRed), { timeout: 5_000 }).toBe(true);
  await expect.poll(() => page.getByTestId('stats').textContent()).toMatch(/640×360/);
  await expect(page.getByText('from London test pattern').count()).resolves.toBe(1);
  // Sender reports for both kinds arrive: the browser needs them to keep lips and voice together.
  const reported = () =>
    page.evaluate(async () => {
      const kinds: string[] = [];
      for (const pc of (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections) {
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'remote-outbound-rtp' && s.packetsSent > 0) kinds.push(s.kind);
        });
      }
      return kinds.sort();
    });
  await expect.poll(reported, { timeout: 15_000 }).toEqual(['audio', 'video']);
  await screenshot(page, 'main-channel-playing');
  await page.close();
});
