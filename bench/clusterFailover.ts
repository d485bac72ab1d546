/**
 * A node killed under its viewers (tracker issue 15), each beside the time the same page takes to
 * join afresh (navigation to first decoded frame) on the same cluster:
 *  - cluster.edgeFailoverMs: from `kill -9` of the edge a page watches from to the page's next
 *    decoded frame, served by the other edge;
 *  - cluster.originFailoverMs: from `kill -9` of the active origin to the next decoded frame of a
 *    page on an edge, once the standby origin has taken over.
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
/** Rounds of the origin's fail-over (each starts a new standby, some seconds). */
const ORIGIN_ROUNDS = 3;
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

/** From `killedAt` to the first frame after the outage (a gap of GAP_MS or more between frames). */
const frameAfterGap = (page: Page, killedAt: number) =>
  waitFor('a frame after the outage', async () => {
    const times = (await frames(page)).filter((t) => t >= killedAt - GAP_MS);
    for (let i = 1; i < times.length; i++) if (times[i]! - times[i - 1]! >= GAP_MS) return times[i]!;
    return undefined;
  });

/** Opens the page at `url` and records its frames; resolves with the time to its first decoded frame. */
async function join(page: Page, url: string): Promise<number> {
  const start = Date.now();
  await page.goto(url);
  await recordFrames(page);
  return (await waitFor('first frame', async () => (await frames(page))[0])) - start;
}

export async function measureClusterFailover(): Promise<Map<FigureKey, Figure>> {
  return new Map([...(await edgeFailover()), ...(await originFailover())]);
}

async function edgeFailover(): Promise<Map<FigureKey, Figure>> {
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
      joins.push(await join(page, `${origin.url}/channel/main`));
      // Let it play a second, then kill the edge it watches from.
      await new Promise((r) => setTimeout(r, 1000));
      const counts = await Promise.all(edges.map((e) => cluster.mediaClients(e)));
      const index = counts.findIndex((c) => c > 0);
      if (index < 0) throw new Error('the page is on no edge');
      const victim = edges[index]!;
      const killedAt = Date.now();
      await victim.kill();
      failovers.push((await frameAfterGap(page, killedAt)) - killedAt);
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

async function originFailover(): Promise<Map<FigureKey, Figure>> {
  // Two origin slots (address and ports): the active one and the standby; a killed origin's slot
  // gets the next standby. Both run the demo's test-pattern studios, so each has a program on air.
  const slots = [
    { ip: '127.0.0.2', mediaPorts: '18000-18299' },
    { ip: '127.0.0.5', mediaPorts: '18600-18899' },
  ];
  const originSpec = (n: number, slot: number, standby: boolean): NodeSpec => ({
    id: `origin-${n}`, role: 'origin', region: 'eu-west', ...slots[slot]!, standby, env: { TEST_PATTERNS: 'true' },
  });
  const cluster = await TestCluster.start([
    originSpec(1, 0, false),
    { id: 'edge', role: 'edge', region: 'eu-west', ip: '127.0.0.3', mediaPorts: '18300-18599' },
    originSpec(2, 1, true),
  ]);
  const browser = await launchBrowser();
  try {
    const edge = cluster.node('edge');
    let [active, standby] = [{ node: cluster.node('origin-1'), slot: 0 }, { node: cluster.node('origin-2'), slot: 1 }];
    let next = 3;
    const joins: number[] = [];
    const failovers: number[] = [];
    for (let round = 1; round <= ORIGIN_ROUNDS; round++) {
      const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
      joins.push(await join(page, `${edge.url}/channel/main`));
      await new Promise((r) => setTimeout(r, 1000));
      const killedAt = Date.now();
      await active.node.kill();
      failovers.push((await frameAfterGap(page, killedAt)) - killedAt);
      progress(`cluster: origin round ${round}: joined in ${joins.at(-1)} ms, decoding again ${failovers.at(-1)} ms after kill -9 of ${active.node.id}`);
      await page.close();
      // The standby is the active origin now; a new standby takes the dead one's slot.
      [active, standby] = [standby, { node: await cluster.addNode(originSpec(next++, active.slot, true)), slot: active.slot }];
    }
    return new Map<FigureKey, Figure>([
      [
        'cluster.originFailoverMs',
        {
          value: quantile(failovers, 0.5),
          unit: 'ms',
          conditions:
            `${ORIGIN_ROUNDS} rounds; an active and a standby origin (127.0.0.2, .5) and an edge (127.0.0.3) as processes on real Redis and PostgreSQL, ` +
            `one Chromium page served by the edge; kill -9 of the active origin to the page's next decoded frame, p50 (all: ${failovers.join(', ')}); ` +
            `baseline, the same page joining afresh on the same cluster: p50 ${quantile(joins, 0.5)} ms (all: ${joins.join(', ')})`,
        },
      ],
    ]);
  } finally {
    await browser.close();
    await cluster.close();
  }
}
