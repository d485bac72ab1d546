// The standby origin (issue 15): a second origin started beside the active one waits on the
// origin lease in Redis and serves nothing; when the active origin is killed with SIGKILL, its
// lease expires, the standby takes over (its buses, its test-pattern studios), and a viewer on an
// edge decodes the program again by itself, from the new origin. An origin that finds another node
// holding its lease stops, so two origins never run one event. Real Redis and PostgreSQL, each node
// its own process on its own loopback address.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { isDecoding, launchBrowser, screenshot } from './support/browser';
import { TestCluster, type ClusterNodeProcess } from './support/cluster';

let cluster: TestCluster;
let browser: Browser;

// Both origins run the demo's test-pattern studios, so each has a program of its own on air.
const origins = { env: { TEST_PATTERNS: 'true' } };

beforeAll(async () => {
  cluster = await TestCluster.start([
    { id: 'origin-a', role: 'origin', region: 'eu-west', ip: '127.0.0.2', mediaPorts: '18000-18299', ...origins },
    { id: 'edge-1', role: 'edge', region: 'eu-west', ip: '127.0.0.3', mediaPorts: '18300-18599' },
    { id: 'origin-b', role: 'origin', region: 'eu-west', ip: '127.0.0.5', mediaPorts: '18600-18899', standby: true, ...origins },
  ]);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await cluster?.close();
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
