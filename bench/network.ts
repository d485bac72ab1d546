/**
 * Viewers on real networks: a Chromium in a network namespace of the bench's making
 * (test/support/netns.ts) that reaches one address, the host's end of its link.
 *  - network.turnJoinP50Ms: page load to first decoded frame for a viewer whose only way to the
 *    media is TURN over TLS (coturn with a test certificate; the media ports listen on loopback, out
 *    of its reach), p50 of 5; the baseline, alternating with it in the same run, is the same viewer
 *    on a server whose media it reaches directly.
 * The layer figures of the issue (network.adaptDownMs, network.freezeMsAfterAdapt) need simulcast
 * through the program bus, not built yet (docs/benchmarks.md).
 */
import type { Browser } from 'playwright-core';
import { TestCoturn } from '../test/support/coturn';
import { ViewerNetwork } from '../test/support/netns';
import { freeTcpPort } from '../test/support/ports';
import { startTestServer, type TestServer } from '../test/support/server';
import { inboundVideo, recordPeerConnections } from '../test/support/webrtcStats';
import { progress, quantile, type Figure, type FigureKey } from './report';

const JOINS = 5;

/** Opens the watch page; the time from navigation to the first decoded frame, or undefined after 30 s. */
async function join(browser: Browser, url: string): Promise<number | undefined> {
  const page = await browser.newPage();
  try {
    await recordPeerConnections(page);
    const started = Date.now();
    await page.goto(`${url}/channel/main`);
    while (Date.now() - started < 30_000) {
      if ((await inboundVideo(page)).framesDecoded > 0) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 25));
    }
    return undefined;
  } finally {
    await page.close();
  }
}

export async function measureNetwork(): Promise<Map<FigureKey, Figure>> {
  const figures = new Map<FigureKey, Figure>();
  progress('network: a viewer namespace, coturn with TLS, a server it reaches directly and one it reaches only through TURN');
  const network = await ViewerNetwork.create();
  const servers: TestServer[] = [];
  let coturn: TestCoturn | undefined;
  let browser: Browser | undefined;
  try {
    coturn = await TestCoturn.start({ listenIps: [network.hostIp] });
    const direct = await startTestServer({ HOST: network.hostIp, PORT: String(await freeTcpPort()), RTC_LISTEN_IP: network.hostIp, ANNOUNCED_IP: network.hostIp, WORKERS: '1', LOG_LEVEL: 'error' });
    servers.push(direct);
    const turnOnly = await startTestServer({ HOST: network.hostIp, PORT: String(await freeTcpPort()), WORKERS: '1', TURN_URLS: coturn.tlsUrl, TURN_SECRET: coturn.secret, LOG_LEVEL: 'error' });
    servers.push(turnOnly);
    browser = await network.launchBrowser({ secureOrigins: [direct.url, turnOnly.url], trustCa: coturn.certificate.caPath });
    const joins = { direct: [] as number[], turn: [] as number[] };
    for (let i = 0; i < JOINS; i++) {
      for (const [name, server] of [['direct', direct], ['turn', turnOnly]] as const) {
        const ms = await join(browser, server.url);
        if (ms !== undefined) joins[name].push(ms);
        progress(`network join ${i + 1}/${JOINS} ${name === 'turn' ? 'through TURN/TLS' : 'direct'}: ${ms === undefined ? 'no picture in 30 s' : `${ms} ms`}`);
      }
    }
    const p50 = (v: number[]) => Math.round(quantile(v, 0.5));
    if (joins.turn.length) {
      const baseline = joins.direct.length ? p50(joins.direct) : undefined;
      figures.set('network.turnJoinP50Ms', {
        value: p50(joins.turn),
        unit: 'ms, p50',
        conditions:
          `${joins.turn.length} of ${JOINS} watch-page loads to the first decoded frame, the media only through coturn over TLS (test certificate, TURN REST credentials); ` +
          `baseline, the same viewer reaching the media directly, alternating in the same run: p50 ${baseline ?? 'n/a'} ms${baseline ? ` (TURN/TLS ${(p50(joins.turn) / baseline).toFixed(2)}x)` : ''}`,
      });
    } else figures.set('network.turnJoinP50Ms', { value: null, reason: 'no viewer showed a picture through TURN' });
  } finally {
    await browser?.close();
    for (const server of servers) await server.close();
    await coturn?.close();
    await network.close();
  }
  return figures;
}
