// What operators and browsers get from the HTTP server besides the API: Prometheus metrics that
// follow what happens, and security headers on every response.
import { expect } from 'vitest';
import { serverTest } from './support/fixtures';
import type { TestServer } from './support/server';

const METRICS_TOKEN = 'metrics-token-for-the-monitoring';
const test = serverTest({ METRICS_TOKEN });

/** The samples of `server`'s `/metrics` as "name{labels}" → value. */
async function metrics(server: TestServer): Promise<Map<string, number>> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-z_]+(?:\{.*\})?) (-?[\d.e+]+)$/.exec(line);
    expect(match, line).not.toBeNull();
    samples.set(match![1]!, Number(match![2]));
  }
  return samples;
}

test('reports workers, feeds with their bitrate, sockets and caption cues in Prometheus format', async ({ server, clients }) => {
  const feeds = server.feeds.list();
  await expect
    .poll(async () => {
      const m = await metrics(server);
      return feeds.every((f) => (m.get(`hybrid_stage_feed_bitrate_bits_per_second{feed="${f.id}",studio="${f.studioId}"}`) ?? 0) > 100_000);
    }, { timeout: 10_000 })
    .toBe(true);
  const before = await metrics(server);
  expect(before.get('hybrid_stage_worker_up{worker="0"}')).toBe(1);
  expect(before.get('hybrid_stage_worker_up{worker="1"}')).toBe(1);
  expect(before.get('hybrid_stage_feeds')).toBe(3);
  expect(before.get('hybrid_stage_worker_cpu_seconds_total{worker="0"}')).toBeGreaterThan(0);
  // The test patterns' producers and the buses' taps live on the first worker.
  expect(before.get('hybrid_stage_consumers{worker="0"}')).toBeGreaterThan(0);

  const captioner = await clients.as({ role: 'captioner', channelId: 'main', languages: ['en'] });
  await captioner.ok('captions:commit', { channelId: 'main', language: 'en', text: 'Metrics count this cue.', startMs: Date.now() - 500, endMs: Date.now() + 2000 });
  const after = await metrics(server);
  expect(after.get('hybrid_stage_sockets')).toBe((before.get('hybrid_stage_sockets') ?? 0) + 1);
  expect(after.get('hybrid_stage_caption_cues_total')).toBeGreaterThan(before.get('hybrid_stage_caption_cues_total')!);
  captioner.close();
  await expect.poll(async () => (await metrics(server)).get('hybrid_stage_sockets')).toBe(before.get('hybrid_stage_sockets'));
});

test('asks for the METRICS_TOKEN and never dumps a router to answer, counting what lives on each router in Node', async ({ server, clients }) => {
  for (const authorization of [undefined, 'Bearer wrong-token-of-some-length', `Basic ${METRICS_TOKEN}`, `Bearer ${METRICS_TOKEN}x`]) {
    const response = await fetch(`${server.url}/metrics`, { headers: authorization ? { authorization } : {} });
    expect(response.status, authorization).toBe(401);
    expect((await response.json()).error.code).toBe('UNAUTHORIZED');
  }
  // A client with a transport, so the counts are not all the test patterns'.
  const viewer = await clients.connect();
  await viewer.ok('transport:create', { direction: 'recv' });

  // Every scrape used to queue a dump on each media thread: a loop of them stalled the media.
  const dumps: number[] = server.pool.workers.map(() => 0);
  const restore = server.pool.workers.map((w, i) => {
    const dump = w.router.dump.bind(w.router);
    w.router.dump = () => (dumps[i]!++, dump());
    return () => (w.router.dump = dump);
  });
  try {
    for (let i = 0; i < 5; i++) await metrics(server);
    expect(dumps).toEqual(server.pool.workers.map(() => 0));
  } finally {
    for (const undo of restore) undo();
  }
  // What Node counted is what the workers hold.
  const m = await metrics(server);
  for (const w of server.pool.workers) {
    const dump = await w.router.dump();
    const consumers = Object.values(dump.mapProducerIdConsumerIds as Record<string, string[]>).reduce((sum, ids) => sum + ids.length, 0);
    expect(m.get(`hybrid_stage_transports{worker="${w.index}"}`), `worker ${w.index}`).toBe(dump.transportIds.length);
    expect(m.get(`hybrid_stage_producers{worker="${w.index}"}`), `worker ${w.index}`).toBe(Object.keys(dump.mapProducerIdConsumerIds).length);
    expect(m.get(`hybrid_stage_consumers{worker="${w.index}"}`), `worker ${w.index}`).toBe(consumers);
  }
  expect([...m.keys()].some((k) => k.startsWith('hybrid_stage_transports{'))).toBe(true);
});

test('sends a Content-Security-Policy and other security headers with pages and API answers', async ({ server }) => {
  for (const path of ['/', '/channel/main', '/api/event', '/api/nothing-here', '/metrics']) {
    const response = await fetch(`${server.url}${path}`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp, path).toContain("script-src 'self'");
    expect(csp, path).toContain("frame-ancestors 'none'");
    expect(csp, path).not.toContain('unsafe-eval');
    expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    expect(response.headers.get('x-frame-options'), path).toBe('DENY');
    expect(response.headers.get('x-powered-by'), path).toBeNull();
  }
});
