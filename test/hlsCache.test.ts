// HLS behind the cache the cluster's crew address puts in front of the origin (nginx with
// docker/origin-proxy.conf): however many players ask for a segment at once, the origin serves it
// once, and every player gets the same bytes; an error is never kept. The server sends players
// there (HLS_PUBLIC_URL), as a single node with the compose file's hls-cache does.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uris } from './support/hlsFiles';
import { TestOriginProxy } from './support/originProxy';
import { freeTcpPort } from './support/ports';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let proxy: TestOriginProxy;

beforeAll(async () => {
  const port = await freeTcpPort();
  server = await startTestServer({ WORKERS: '1', HLS_CHANNELS: 'main', HLS_PUBLIC_URL: `http://127.0.0.1:${port}` });
  proxy = await TestOriginProxy.start({ ip: '127.0.0.1', port, origin: server.url, standby: server.url });
});

afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

const urisOf = (playlist: string) => uris(playlist, '/').map((u) => u.slice(1));

it('serves each segment from the origin once, whatever the number of players asking at once', async () => {
  // A player asks the server where the channel's HLS is: the cache.
  const { url } = (await (await fetch(`${server.url}/api/hls/main`)).json()) as { url: string };
  expect(url).toBe(`${proxy.url}/hls/main/master.m3u8`);
  let variant = '';
  await expect
    .poll(async () => (variant = urisOf(await (await fetch(url)).text())[0] ?? ''), { timeout: 30_000, interval: 1000 })
    .toMatch(/index\.m3u8$/);
  let newest = '';
  await expect.poll(async () => (newest = urisOf(await (await fetch(`${proxy.url}/hls/main/${variant}`)).text()).at(-1) ?? ''), { timeout: 20_000, interval: 500 }).toMatch(/\.ts$/);
  const path = `${proxy.url}/hls/main/${variant.replace(/index\.m3u8$/, '')}${newest}`;

  const before = server.hls.segmentsServed;
  const answers = await Promise.all(
    Array.from({ length: 20 }, async () => {
      const response = await fetch(path);
      return { status: response.status, cache: response.headers.get('x-cache-status'), bytes: Buffer.from(await response.arrayBuffer()) };
    }),
  );
  expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
  // One went to the origin; the others waited for it (the cache lock) and got its copy.
  expect(server.hls.segmentsServed - before).toBe(1);
  expect(answers.filter((a) => a.cache === 'MISS')).toHaveLength(1);
  for (const a of answers) expect(a.bytes.equals(answers[0]!.bytes)).toBe(true);
  expect(answers[0]!.bytes.length).toBeGreaterThan(1000);

  // A segment that does not exist (yet) is not kept: the origin is asked each time.
  const missing = `${proxy.url}/hls/main/${variant.replace(/index\.m3u8$/, '')}${newest.replace(/-(\d+)\.ts$/, (_, n: string) => `-${Number(n) + 1000}.ts`)}`;
  for (let i = 0; i < 2; i++) {
    const response = await fetch(missing);
    expect([response.status, response.headers.get('x-cache-status')]).toEqual([404, 'MISS']);
  }
});
