/**
 * An edge killed under its viewers (tracker issue 15): from `kill -9` of the edge a page watches
 * from to the page's next decoded frame, served by the other edge, beside the time the same page
 * takes to join afresh (navigation to first decoded frame), measured on the same cluster.
 *
 * A cluster of three node processes on their own loopback addresses (test/support/cluster.ts:
 * real Redis and PostgreSQL, an origin and two edges in one region), a colour encoder into the
 * origin's RTP ingest on the main channel, and one headless Chromium page served by the origin.
 * Each round: the page joins fresh (the baseline), the edge it was placed on is killed, the page
 * recovers by itself; a new edge then replaces the dead one for the next round.
 */
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser';
import { TestCluster, type ClusterNodeProcess, type NodeSpec } from '../test/support/cluster';
import { progress, quantile, type Figure, type FigureKey } from './report';

const ROUNDS = 5;
/** A gap between decoded frames at least this long is the outage; the frame after it is the other edge's. */
const GAP_MS = 250;

/** Records every decoded frame's wall-clock time in the page (requestVideoFrameCallback). */
async function recordFrames(page: Page): Promise<void> {
  // A script as text: functions in a page.evaluate callback would carry tsx's name helper, which the page lacks.
  await page.evaluate(`(() => {
    window.__frames = [];
    if (window.__recording) return;
    window.__recording = true;
    const follow = () => {
      const video = document.querySelector('[data-testid="player"]');
      if (!video) return void setTimeout(follow, 20);
      const onFrame = () => {
        window.__frames.push(Date.now());
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    };
    follow();
  })()`);
}

const frames = (page: Page) => page.evaluate(() => (window as unknown as { __frames: number[] }).__frames);

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function measureEdgeFailover(): Promise<Map<FigureKey, Figure>> {
  const figures = new Map<FigureKey, Figure>();
  const edgeSpec = (n: number, ip: string, mediaPorts: string): NodeSpec => ({ id: `edge-${n}`, role: 'edge', region: 'eu-west', ip, mediaPorts });
  // Two edge slots (address and ports); a killed edge's slot gets the next edge.
  const slots = [
    { ip: '127.0.0.3', mediaPorts: '18300-18599' },
    { ip: '127.0.0.4', mediaPorts: '18600-18899' },
  ];
  const cluster = await TestCluster.start([
    { id: 'origin', role: 'origin', region: 'eu-west', ip: '127.0.0.2', mediaPorts: '18000-18299' },
    edgeSpec(1, slots[0]!.ip, slots[0]!.mediaPorts),
    edgeSpec(2, slots[1]!.ip, slots[1]!.mediaPorts),
  ]);
  const browser = await launchBrowser();
  try {
    const origin = cluster.node('origin');
    const studio = await cluster.connectAs(origin, { role: 'studio', studioId: 'london' });
    const producer = await cluster.connectAs(origin, { role: 'producer' });
    await producer.take('main', await cluster.colourFeed(studio, 'blue'), 20_000);
    const edges: ClusterNodeProcess[] = [cluster.node('edge-1'), cluster.node('edge-2')];
    let next = 3;
    const joins: number[] = [];
    const failovers: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
      const start = Date.now();
      await page.goto(`${origin.url}/channel/main`);
      await recordFrames(page);
      const first = await waitFor('first frame', async () => (await frames(page))[0]);
      joins.push(first - start);
      // Let it play a second, then kill the edge it watches from.
      await new Promise((r) => setTimeout(r, 1000));
      const counts = await Promise.all(edges.map((e) => cluster.mediaClients(e)));
      const index = counts.findIndex((c) => c > 0);
      if (index < 0) throw new Error('the page is on no edge');
      const victim = edges[index]!;
      const killedAt = Date.now();
      await victim.kill();
      const back = await waitFor('a frame from the other edge', async () => {
        const times = (await frames(page)).filter((t) => t >= killedAt - GAP_MS);
        for (let i = 1; i < times.length; i++) if (times[i]! - times[i - 1]! >= GAP_MS) return times[i]!;
        return undefined;
      });
      failovers.push(back - killedAt);
      progress(`cluster: round ${round}: joined in ${joins.at(-1)} ms, decoding again ${failovers.at(-1)} ms after kill -9 of ${victim.id}`);
      await page.close();
      // A new edge in the dead one's place, for the next round.
      edges[index] = await cluster.addNode(edgeSpec(next++, slots[index]!.ip, slots[index]!.mediaPorts));
    }
    const conditions = `${ROUNDS} rounds; origin 127.0.0.2 and two edges (127.0.0.3, .4) as processes on real Redis and PostgreSQL, one Chromium page served by the origin and placed on an edge`;
    figures.set('cluster.edgeFailoverMs', {
      value: quantile(failovers, 0.5),
      unit: 'ms',
      conditions: `${conditions}; kill -9 of the page's edge to its next decoded frame from the other edge, p50 (all: ${failovers.join(', ')})`,
    });
    figures.set('cluster.edgeJoinMs', {
      value: quantile(joins, 0.5),
      unit: 'ms',
      conditions: `the baseline, same page and cluster: navigation to first decoded frame, p50 (all: ${joins.join(', ')})`,
    });
    return figures;
  } finally {
    await browser.close();
    await cluster.close();
  }
}
