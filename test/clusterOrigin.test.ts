// The standby origin (issue 15): a second origin started beside the active one waits on the
// origin lease in Redis and serves nothing. When the active origin is killed with SIGKILL, its
// lease expires and the standby takes over: its buses and test-pattern studios, the channels' cut
// log and the encoders' ingests from PostgreSQL. A viewer on an edge decodes the program again by
// itself; an encoder that keeps sending to the same address and ports is on air again; a studio
// page opened at the crew's one address (nginx in front of both origins, docker/origin-proxy.conf)
// reconnects there to the new origin and publishes its camera again by itself. An origin that
// finds another node holding its lease stops, so two origins never run one event. Real Redis,
// PostgreSQL and nginx, each node its own process on its own loopback address.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { isDecoding, launchBrowser, screenshot } from './support/browser';
import { TestCluster, type ClusterNodeProcess } from './support/cluster';
import { TestOriginProxy } from './support/originProxy';
import { freeTcpPort } from './support/ports';

let cluster: TestCluster;
let proxy: TestOriginProxy;
let browser: Browser;

/** Where the crew reach the origin, whichever of the two serves: nginx, and both origins' PUBLIC_URL. */
const crew = { ip: '127.0.0.6', port: 0 };
/**
 * Where encoders and browsers send media to the origin, whichever of the two serves: an address
 * that moves to the standby with the lease (a floating IP; here a loopback address that the killed
 * origin leaves free), both origins' ANNOUNCED_IP and RTC_LISTEN_IP.
 */
const floating = '127.0.0.7';
// Both origins run the demo's test-pattern studios, so each has a program of its own on air.
const origins = { env: { TEST_PATTERNS: 'true', PUBLIC_URL: '', ANNOUNCED_IP: floating, RTC_LISTEN_IP: floating } };

beforeAll(async () => {
  crew.port = await freeTcpPort();
  origins.env.PUBLIC_URL = `http://${crew.ip}:${crew.port}`;
  cluster = await TestCluster.start([
    { id: 'origin-a', role: 'origin', region: 'eu-west', ip: '127.0.0.2', mediaPorts: '18000-18299', ...origins },
    { id: 'edge-1', role: 'edge', region: 'eu-west', ip: '127.0.0.3', mediaPorts: '18300-18599' },
    { id: 'origin-b', role: 'origin', region: 'eu-west', ip: '127.0.0.5', mediaPorts: '18600-18899', standby: true, ...origins },
  ]);
  proxy = await TestOriginProxy.start({ ...crew, origin: cluster.node('origin-a').url, standby: cluster.node('origin-b').url });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await cluster?.close();
  await proxy?.close();
}, 60_000);

const serves = (node: ClusterNodeProcess) => fetch(`${node.url}/health`).then((r) => r.status === 200, () => false);

it('takes over when the active origin is killed: the standby starts the buses and a viewer on an edge decodes again by itself', async () => {
  const [active, edge, standby] = [cluster.node('origin-a'), cluster.node('edge-1'), cluster.node('origin-b')];
  expect(await serves(standby)).toBe(false); // a standby serves nothing until it holds the lease

  const page = await browser.newPage({ viewport: { width: 1000, height: 700 }, locale: 'en-US' });
  await page.goto(`${edge.url}/channel/main?region=eu-west`);
  await expect.poll(() => page.getByTestId('player').getAttribute('data-state'), { timeout: 30_000 }).toBe('playing');
  await expect.poll(() => isDecoding(page), { timeout: 20_000 }).toBe(true);
  expect(await cluster.mediaClients(edge)).toBe(1);

  // A producer's take on the active origin, in the channel's cut log (written at once; a change in
  // the last milliseconds before a kill -9 may miss it, so this one comes well before).
  const producer = await cluster.connectAs(active, { role: 'producer' });
  const moscow = (await producer.ok('event:get', {})).feeds.find((f) => f.studioId === 'moscow' && f.source === 'test-pattern')!;
  const taken = await producer.take('main', moscow.id, 20_000);
  producer.close();

  // A studio at the crew's address, live with its camera on the active origin.
  const studio = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  await studio.goto(`${proxy.url}/studio/london?token=${await cluster.tokens.mint({ role: 'studio', studioId: 'london' })}`);
  await studio.getByRole('textbox', { name: 'Feed name' }).fill('London camera');
  await studio.getByRole('button', { name: 'Go live' }).click();
  await studio.getByTestId('publish-state').filter({ hasText: /Publishing · \d+ kbit\/s out/ }).waitFor({ timeout: 20_000 });
  const cameraOn = async (node: ClusterNodeProcess) => {
    const producer = await cluster.connectAs(node, { role: 'producer' });
    const feed = (await producer.ok('event:get', {})).feeds.find((f) => f.label === 'London camera');
    producer.close();
    return feed?.kinds.sort().join('+');
  };
  expect(await cameraOn(active)).toBe('audio+video');

  // An encoder sending RTP into an ingest of the active origin, at the floating address.
  const encoderStudio = await cluster.connectAs(active, { role: 'studio', studioId: 'london' });
  await cluster.colourFeed(encoderStudio, 'red');
  const [ingest] = await encoderStudio.ok('ingest:list', { studioId: 'london' });
  encoderStudio.close();


  const killedAt = Date.now();
  await active.kill();
  // The picture stops (the pipe from the dead origin carries nothing) ...
  await expect.poll(() => isDecoding(page), { timeout: 10_000 }).toBe(false);
  // ... the standby takes the lease once it expires and serves ...
  await expect.poll(() => serves(standby), { timeout: 30_000 }).toBe(true);
  // ... and the viewer, still on the same edge, decodes the new origin's program.
  await expect.poll(() => isDecoding(page), { timeout: 30_000 }).toBe(true);
  console.info(`origin failover: the viewer on the edge decodes again ${Date.now() - killedAt} ms after kill -9 of the active origin`);
  expect(await cluster.mediaClients(edge)).toBe(1);
  await screenshot(page, 'cluster-origin-failover');

  // The studio page's socket reconnected at the crew's address, reached the new origin, and the page
  // published its camera and microphone there again, no click needed.
  await expect.poll(() => cameraOn(standby), { timeout: 30_000 }).toBe('audio+video');
  await studio.getByTestId('publish-state').filter({ hasText: /Publishing · [1-9]\d* kbit\/s out/ }).waitFor({ timeout: 20_000 });
  await screenshot(studio, 'cluster-origin-failover-studio');
  await studio.close();

  // The cut log carries on on the new origin (PostgreSQL): the take made on the old one is still in
  // it, and the version goes on rising, so the viewers that stayed on the edge take its changes.
  const onNew = await cluster.connectAs(standby, { role: 'producer' });
  const main = (await onNew.ok('event:get', {})).channels.find((c) => c.id === 'main')!;
  expect(main.version).toBeGreaterThan(taken.version);
  expect(main.cuts).toContainEqual(taken.cuts[0]);

  // The new origin opened the encoder's ingest again (stored in PostgreSQL) on the same ports and
  // SSRCs at the same address: the encoder, which never stopped sending, is taken on air there.
  const reopened = (await onNew.ok('ingest:list', { studioId: 'london' })).find((i) => i.id === ingest!.id)!;
  for (const kind of ['video', 'audio'] as const) expect(reopened.rtp![kind]).toMatchObject({ ip: floating, port: ingest!.rtp![kind].port, ssrc: ingest!.rtp![kind].ssrc });
  await onNew.take('main', reopened.feedId, 20_000);
  onNew.close();

  // The cluster's registry names the new origin, and the dead one is gone from it.
  const admin = await cluster.tokens.mint({ role: 'admin' });
  const registry = async () => {
    const body = (await (await fetch(`${standby.url}/api/cluster`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { nodes: { id: string; role: string }[] };
    return body.nodes.map((n) => `${n.id} ${n.role}`).sort();
  };
  await expect.poll(registry, { timeout: 15_000 }).toEqual(['edge-1 edge', 'origin-b origin']);
  await page.close();
}, 180_000);

it('stops an origin that finds another node holding its lease', async () => {
  const origin = cluster.node('origin-b');
  const redis = new Redis(cluster.redisUrl);
  try {
    // As if this origin had stalled past its lease and another had taken it meanwhile.
    await redis.set('hybrid-stage:origin-lease', 'origin-elsewhere', 'PX', 60_000);
    const code = await Promise.race([origin.process.exited, new Promise((r) => setTimeout(() => r('still running'), 20_000))]);
    expect(code).toBe(1);
    expect(origin.process.output()).toContain('another node is the active origin now: stopping');
  } finally {
    redis.disconnect();
  }
}, 60_000);
