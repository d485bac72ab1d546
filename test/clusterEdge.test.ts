// Edges serving viewers, across three node processes on their own loopback addresses: an origin on
// 127.0.0.2 and two edges on 127.0.0.3 and 127.0.0.4, on a real Redis and PostgreSQL started for
// this file. Headless Chromium viewers whose pages each edge serves decode the program piped from
// the origin; a TAKE on the origin changes their picture (two encoders, red and blue, into the
// origin's RTP ingest); a caption written at the origin shows on both; a comment posted through one
// edge is read through the other; an edge refuses what only the origin does; and once no viewer is
// left, the edge lets the pipe go. A viewer of an edge killed with SIGKILL moves to the other edge
// by itself, and the origin closes the dead edge's pipe.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { isDecoding, launchBrowser, screenshot, videoColourAt, videoProgress } from './support/browser';
import { TestCluster, type ClusterNodeProcess } from './support/cluster';

let cluster: TestCluster;
let origin: ClusterNodeProcess;
let edges: [ClusterNodeProcess, ClusterNodeProcess];
let browser: Browser;

beforeAll(async () => {
  cluster = await TestCluster.start([
    { id: 'origin', role: 'origin', region: 'eu-west', ip: '127.0.0.2', mediaPorts: '18000-18299' },
    { id: 'edge-1', role: 'edge', region: 'eu-west', ip: '127.0.0.3', mediaPorts: '18300-18599' },
    { id: 'edge-2', role: 'edge', region: 'ap-south', ip: '127.0.0.4', mediaPorts: '18600-18899' },
  ]);
  origin = cluster.node('origin');
  edges = [cluster.node('edge-1'), cluster.node('edge-2')];
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await cluster?.close();
}, 60_000);

/** Whether a measured colour is `rgb`: its strong channels high, the others low. */
const looksLike = (rgb: readonly number[], measured: number[]) => rgb.every((c, i) => (c > 128 ? measured[i]! > 150 : measured[i]! < 100));
const RED = [255, 0, 0];
const BLUE = [0, 0, 255];

/** Waits until the page's player decodes `more` frames beyond what it had, at the picture's size. */
async function decodes(page: Page, more = 25): Promise<void> {
  await expect.poll(() => page.getByTestId('player').getAttribute('data-state'), { timeout: 30_000 }).toBe('playing');
  await expect.poll(async () => (await videoProgress(page, '[data-testid="player"]')).width, { timeout: 30_000 }).toBe(320);
  const before = (await videoProgress(page, '[data-testid="player"]')).frames;
  await expect.poll(async () => (await videoProgress(page, '[data-testid="player"]')).frames, { timeout: 15_000 }).toBeGreaterThan(before + more);
}

const shows = (page: Page, rgb: number[]) =>
  expect.poll(() => videoColourAt(page, 0.5, 0.5, '[data-testid="player"]').then((c) => looksLike(rgb, c)), { timeout: 15_000 }).toBe(true);

it('serves the program from each edge: a TAKE, a caption and a comment reach viewers on both; an edge refuses the origin\'s work', async () => {
  const studio = await cluster.connectAs(origin, { role: 'studio', studioId: 'london' });
  const producer = await cluster.connectAs(origin, { role: 'producer' });
  const red = await cluster.colourFeed(studio, 'red');
  const blue = await cluster.colourFeed(studio, 'blue');
  await producer.take('main', red, 20_000);
  const consumersBefore = await cluster.consumers(origin);

  // Each page served by an edge and placed, by the region it declares, on that same edge.
  const viewers: Page[] = [];
  for (const [edge, region] of [[edges[0], 'eu-west'], [edges[1], 'ap-south']] as const) {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 }, locale: 'en-US' });
    await page.goto(`${edge.url}/channel/main?region=${region}`);
    viewers.push(page);
  }
  for (const page of viewers) {
    await decodes(page);
    await shows(page, RED);
  }
  // One pipe per edge for the channel: its video and audio consumed once on the origin, per edge.
  expect(await cluster.consumers(origin)).toBe(consumersBefore + 4);
  // Media and page both come from the edge: its workers carry the viewer, the origin's only the pipes.
  for (const [i, page] of viewers.entries()) {
    const sources = await page.evaluate(() => performance.getEntriesByType('resource').filter((r) => r.name.startsWith('http')).map((r) => new URL(r.name).host));
    expect(new Set(sources)).toEqual(new Set([new URL(edges[i]!.url).host]));
  }

  // A TAKE on the origin changes every edge's picture.
  await producer.take('main', blue, 20_000);
  for (const page of viewers) await shows(page, BLUE);
  for (const page of viewers) await decodes(page, 10);

  // A caption typed at the origin's desk shows on both edges' pages.
  for (const page of viewers) await page.getByLabel('Captions').selectOption('en');
  const desk = await cluster.connectAs(origin, { role: 'captioner', channelId: 'main', languages: ['en'] });
  const now = Date.now();
  await desk.ok('captions:commit', { channelId: 'main', language: 'en', text: 'Welcome, viewers on every edge.', startMs: now - 500, endMs: now + 20_000 });
  for (const page of viewers) {
    await expect.poll(() => page.getByTestId('captions').textContent(), { timeout: 10_000 }).toBe('Welcome, viewers on every edge.');
  }
  await screenshot(viewers[0]!, 'cluster-edge-viewer');

  // A comment written through one edge is read through the other (PostgreSQL is shared).
  // The visitor id is one the cluster issued (signed with the key every node shares).
  const { visitorId } = (await (await fetch(`${edges[0].url}/api/visitors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { visitorId: string };
  const posted = await fetch(`${edges[0].url}/api/stands/nordlicht-systems/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-visitor-id': visitorId },
    body: JSON.stringify({ author: 'Ana', text: 'Seen from edge one' }),
  });
  expect(posted.status).toBe(201);
  const read = (await (await fetch(`${edges[1].url}/api/stands/nordlicht-systems/comments`)).json()) as { text: string }[];
  expect(read.map((c) => c.text)).toContain('Seen from edge one');

  // What only the origin does is refused on an edge, with a code a client can act on.
  const producerOnEdge = await cluster.connectAs(edges[0], { role: 'producer' });
  expect(await producerOnEdge.request('program:take', { channelId: 'main', feedId: red })).toMatchObject({ ok: false, error: { code: 'ORIGIN_ONLY' } });
  // The event an edge describes is the origin's: what is on air there.
  expect((await producerOnEdge.ok('event:get', {})).channels.find((c) => c.id === 'main')?.program).toBe(blue);

  // No viewer left on the edges: after the grace time their pipes are released on the origin.
  for (const page of viewers) await page.close();
  await expect.poll(() => cluster.consumers(origin), { timeout: 20_000 }).toBe(consumersBefore);
}, 240_000);



it('moves the viewers of an edge killed with SIGKILL to the other edge, by themselves', async () => {
  // A page served by the origin, placed by its region on edge-1: its socket and media go there.
  const consumersBefore = await cluster.consumers(origin);
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 }, locale: 'en-US' });
  await page.goto(`${origin.url}/channel/main?region=eu-west`);
  await decodes(page);
  await shows(page, BLUE);
  expect(await cluster.mediaClients(edges[0])).toBe(1);
  expect(await cluster.mediaClients(edges[1])).toBe(0);
  // edge-1's pipe of the channel: its video and audio consumed on the origin.
  expect(await cluster.consumers(origin)).toBe(consumersBefore + 2);

  await edges[0].kill();
  // The page notices, asks the origin where to go (naming edge-1, whose registry record has not
  // expired yet) and decodes the program from edge-2.
  await expect.poll(() => cluster.mediaClients(edges[1]), { timeout: 20_000 }).toBe(1);
  await expect.poll(() => isDecoding(page), { timeout: 20_000 }).toBe(true);
  await shows(page, BLUE);
  // The dead edge never released its pipe: the origin closes it once edge-1's registry record has
  // expired, and only edge-2's is left.
  await expect.poll(() => cluster.consumers(origin), { timeout: 20_000 }).toBe(consumersBefore + 2);
  await screenshot(page, 'cluster-edge-failover');
  await page.close();
}, 120_000);
