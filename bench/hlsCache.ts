/**
 * HLS behind a cache: 200 players pulling the main channel's HLS (its first variant's playlist every
 * second, every new segment once), through nginx with docker/origin-proxy.conf's cache in front of
 * the origin, against the same 200 pulling from the origin directly in the same run.
 *  - hls.originRequestsPerSegment: segments the origin served (its own count) per distinct segment
 *    the players got, behind the cache; the bar is 1.
 *  - hls.directRequestsPerSegment: the baseline, the same without the cache (about one per player).
 */
import { TestOriginProxy } from '../test/support/originProxy';
import { freeTcpPort } from '../test/support/ports';
import { startTestServer, type TestServer } from '../test/support/server';
import { progress, type Figure, type FigureKey } from './report';

const PLAYERS = 200;
const PULL_MS = 20_000;

/** The URI lines of a playlist. */
const urisOf = (playlist: string) => playlist.split('\n').filter((l) => l && !l.startsWith('#'));

/** `PLAYERS` players pulling from `base` for `PULL_MS`; the distinct segments they got, and how many answers failed. */
async function pull(base: string, variant: string): Promise<{ segments: Set<string>; fetched: number; failed: number }> {
  const segments = new Set<string>();
  let fetched = 0;
  let failed = 0;
  const until = Date.now() + PULL_MS;
  const player = async () => {
    const seen = new Set<string>();
    while (Date.now() < until) {
      const started = Date.now();
      const playlist = await fetch(`${base}/hls/main/${variant}`).then((r) => (r.ok ? r.text() : ''), () => '');
      for (const uri of urisOf(playlist).slice(-2)) {
        if (seen.has(uri)) continue;
        seen.add(uri);
        const ok = await fetch(`${base}/hls/main/${variant.replace(/index\.m3u8$/, '')}${uri}`).then(async (r) => r.ok && (await r.arrayBuffer()).byteLength > 0, () => false);
        if (ok) {
          fetched++;
          segments.add(uri);
        } else failed++;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - started))));
    }
  };
  await Promise.all(Array.from({ length: PLAYERS }, () => player()));
  return { segments, fetched, failed };
}

export async function measureHlsCache(): Promise<Map<FigureKey, Figure>> {
  const figures = new Map<FigureKey, Figure>();
  let server: TestServer | undefined;
  let proxy: TestOriginProxy | undefined;
  try {
    progress('hls cache: a server packaging the main channel, nginx with its cache in front');
    server = await startTestServer({ WORKERS: '1', HLS_CHANNELS: 'main' });
    proxy = await TestOriginProxy.start({ ip: '127.0.0.1', port: await freeTcpPort(), origin: server.url, standby: server.url });
    // The first variant, once the packager has written its playlists.
    let variant = '';
    for (const until = Date.now() + 30_000; !variant && Date.now() < until; ) {
      const master = await fetch(`${server.url}/hls/main/master.m3u8`).then((r) => (r.ok ? r.text() : ''), () => '');
      variant = urisOf(master)[0] ?? '';
      if (!variant) await new Promise((r) => setTimeout(r, 1000));
    }
    if (!variant) throw new Error('the main channel has no HLS master playlist after 30 s');

    const rounds: Array<[FigureKey, string, string]> = [
      ['hls.originRequestsPerSegment', proxy.url, 'through nginx with docker/origin-proxy.conf\'s cache (proxy_cache_lock)'],
      ['hls.directRequestsPerSegment', server.url, 'straight from the origin (the baseline, no cache)'],
    ];
    for (const [key, base, how] of rounds) {
      progress(`hls cache: ${PLAYERS} players pulling ${how} for ${PULL_MS / 1000} s`);
      const before = server.hls.segmentsServed;
      const { segments, fetched, failed } = await pull(base, variant);
      const served = server.hls.segmentsServed - before;
      figures.set(key, {
        value: Math.round((served / Math.max(1, segments.size)) * 100) / 100,
        unit: 'origin segment responses per segment',
        conditions: `${PLAYERS} players (fetch loops in one process) pulling ${variant} every second for ${PULL_MS / 1000} s ${how}: ${segments.size} segments, ${fetched} segment answers to players (${failed} failed), ${served} served by the origin`,
      });
    }
  } finally {
    await proxy?.close();
    await server?.close();
  }
  return figures;
}
