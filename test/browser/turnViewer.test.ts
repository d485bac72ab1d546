// A viewer whose only way out is TURN over TCP or TLS, as behind a corporate firewall: its
// Chromium runs in a network namespace of the test's making (test/support/netns.ts) that reaches
// one address, the host's end of its link, where the test binds the web server and coturn's TCP
// and TLS listeners (no UDP). The WebRTC ports listen on loopback, out of its reach. The watch page
// plays the program through the relay, and its ICE agent says so.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { videoProgress } from '../support/browser';
import { TestCoturn } from '../support/coturn';
import { ViewerNetwork } from '../support/netns';
import { freeTcpPort } from '../support/ports';
import { startTestServer } from '../support/server';
import { recordPeerConnections, selectedPath } from '../support/webrtcStats';

let network: ViewerNetwork;
let coturn: TestCoturn;
let browser: Browser;
let httpPort: number;

beforeAll(async () => {
  network = await ViewerNetwork.create();
  coturn = await TestCoturn.start({ listenIps: [network.hostIp] });
  httpPort = await freeTcpPort();
  browser = await network.launchBrowser({
    // The page comes from the test network's address over plain HTTP; a real deployment serves
    // it over HTTPS. Chromium trusts the test CA that signed coturn's certificate.
    secureOrigins: [`http://${network.hostIp}:${httpPort}`],
    trustCa: coturn.certificate.caPath,
  });
});

afterAll(async () => {
  await browser?.close();
  await coturn?.close();
  await network?.close();
});

/** Plays main on a server whose only TURN is `turnUrl`; returns the path the media took. */
async function watchThrough(turnUrl: string) {
  const server = await startTestServer({
    HOST: network.hostIp,
    PORT: String(httpPort),
    WORKERS: '1',
    TURN_URLS: turnUrl,
    TURN_SECRET: coturn.secret,
  });
  let page: Page | undefined;
  try {
    page = await browser.newPage();
    await recordPeerConnections(page);
    const started = Date.now();
    await page.goto(`${server.url}/channel/main`);
    const player = page.getByTestId('player');
    await expect.poll(() => player.getAttribute('data-state'), { timeout: 30_000 }).toBe('playing');
    await expect.poll(async () => (await videoProgress(page!, '[data-testid="player"]')).frames, { timeout: 30_000 }).toBeGreaterThan(0);
    const firstFrameMs = Date.now() - started;
    const before = (await videoProgress(page, '[data-testid="player"]')).frames;
    await expect.poll(async () => (await videoProgress(page!, '[data-testid="player"]')).frames, { timeout: 15_000 }).toBeGreaterThan(before + 25);
    const path = await selectedPath(page);
    console.info(`watch through ${turnUrl}: first frame after ${firstFrameMs} ms, path ${JSON.stringify(path)}`);
    return path;
  } finally {
    await page?.close();
    await server.close();
  }
}

it("reaches only the host's end of its link", async () => {
  const routes = await network.routes();
  // One on-link /30, no default route: nothing else is reachable from the viewer's namespace.
  expect(routes.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^\\d+\\.\\d+\\.\\d+\\.\\d+/30 dev ${network.viewerLink} proto kernel scope link src ${network.viewerIp.replace(/\./g, '\\.')}`))]);
});

// Each starts a server and waits up to 30 s for the picture and 15 s for frames: more than the default 60 s.
it('plays the program through TURN over TCP', { timeout: 120_000 }, async () => {
  const path = await watchThrough(coturn.tcpUrl);
  expect(path, coturn.log).toMatchObject({ local: { candidateType: 'relay', relayProtocol: 'tcp' } });
});

it('plays the program through TURN over TLS, with a certificate the browser checks', { timeout: 120_000 }, async () => {
  const path = await watchThrough(coturn.tlsUrl);
  expect(path, coturn.log).toMatchObject({ local: { candidateType: 'relay', relayProtocol: 'tls' } });
});
