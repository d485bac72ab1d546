// RTP and SRT ingest with Debian's ffmpeg as the encoder, running the exact command the studio
// page shows: the feed arrives, is healthy, and a producer can put it on air.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { IngestInfo } from '@hybrid-stage/shared';
import { startTestServer, TestClient, type TestServer } from './support/server';

let server: TestServer;
let studio: TestClient;
let producer: TestClient;
const encoders: ChildProcess[] = [];

beforeAll(async () => {
  server = await startTestServer({ TEST_PATTERNS: 'false', SRT_PORT_RANGE: '42700-42799' });
  studio = await TestClient.connectAs(server, { role: 'studio', studioId: 'london' });
  producer = await TestClient.connectAs(server, { role: 'producer' });
});

afterEach(() => {
  for (const encoder of encoders.splice(0)) encoder.kill('SIGKILL');
});

afterAll(async () => {
  studio?.close();
  producer?.close();
  await server?.close();
});

/** Runs the command shown for an ingest, with a generated picture and tone instead of INPUT. */
function runShownCommand(info: IngestInfo): void {
  const source = '-f lavfi -i "testsrc2=size=320x180:rate=25[out0];sine=frequency=1000:sample_rate=48000[out1]"';
  expect(info.ffmpegCommand).toMatch(/^ffmpeg -re -i INPUT /);
  const command = info.ffmpegCommand.replace('-i INPUT', source).replace(/^ffmpeg /, 'exec ffmpeg -hide_banner -loglevel error -t 30 ');
  const encoder = spawn('sh', ['-c', command], { stdio: 'ignore' });
  encoders.push(encoder);
}

/** Waits until the feed's health shows video frames and keyframes arriving. */
async function healthy(feedId: string) {
  return producer.next('feeds:health', (list) => {
    const h = list.find((f) => f.feedId === feedId);
    return !!h && !h.stalled && h.framesPerSecond > 10 && h.bitrate > 50_000 && h.msSinceKeyFrame !== null;
  }, 20_000);
}

it.each(['rtp', 'srt'] as const)('takes a feed from an encoder over %s and puts it on air', async (protocol) => {
  const info = await studio.ok('ingest:create', { studioId: 'london', label: `London ${protocol} encoder`, protocol });
  expect(info).toMatchObject({ studioId: 'london', protocol, label: `London ${protocol} encoder` });
  if (protocol === 'rtp') {
    expect(info.rtp?.video).toMatchObject({ ip: '127.0.0.1', payloadType: 101 });
    expect(info.ffmpegCommand).toContain(`-ssrc ${info.rtp!.video.ssrc}`);
  } else {
    expect(info.url).toMatch(/^srt:\/\/127\.0\.0\.1:427\d\d\?mode=caller/);
    expect(info.obs?.server).toBe(info.url);
  }
  expect((await studio.ok('ingest:list', { studioId: 'london' })).map((i) => i.id)).toContain(info.id);

  runShownCommand(info);
  await healthy(info.feedId);
  await producer.take('b2b', info.feedId);

  await studio.ok('ingest:close', { ingestId: info.id });
  expect((await studio.ok('event:get', {})).feeds.map((f) => f.id)).not.toContain(info.feedId);
  expect(await studio.ok('ingest:list', { studioId: 'london' })).toEqual([]);
});

it("keeps ingests to the studio's own link, and refuses bad requests", async () => {
  const moscow = await TestClient.connectAs(server, { role: 'studio', studioId: 'moscow' });
  try {
    expect(await moscow.request('ingest:create', { studioId: 'london', label: 'x', protocol: 'rtp' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await moscow.raw('ingest:create', { studioId: 'moscow', label: 'x', protocol: 'rtmp' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const mine = await moscow.ok('ingest:create', { studioId: 'moscow', label: 'Moscow encoder', protocol: 'rtp' });
    expect(await studio.request('ingest:close', { ingestId: mine.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await studio.request('ingest:close', { ingestId: 'no-such-ingest' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // An ingest outlives the connection that made it: encoders keep sending when the page closes.
    moscow.close();
    await new Promise((r) => setTimeout(r, 300));
    expect((await producer.ok('event:get', {})).feeds.map((f) => f.id)).toContain(mine.feedId);
    server.ingests.get(mine.id).close();
  } finally {
    moscow.close();
  }
});

it('has an HTTP API with bearer tokens and clear errors', async () => {
  const token = await server.access.mint({ role: 'studio', studioId: 'london' });
  const call = (method: string, path: string, body?: string, auth = `Bearer ${token}`) =>
    fetch(`${server.url}${path}`, { method, body, headers: { authorization: auth, 'content-type': 'application/json' } });

  const created = await call('POST', '/api/studios/london/ingests', JSON.stringify({ label: 'London encoder', protocol: 'srt' }));
  expect(created.status).toBe(201);
  const info = (await created.json()) as IngestInfo;
  expect(info.url).toMatch(/^srt:\/\//);
  expect(((await (await call('GET', '/api/studios/london/ingests')).json()) as IngestInfo[]).map((i) => i.id)).toEqual([info.id]);

  const refusals: Array<[Response, number, string]> = [
    [await call('POST', '/api/studios/london/ingests', '{}', ''), 401, 'UNAUTHORIZED'],
    [await call('POST', '/api/studios/london/ingests', '{}', 'Bearer forged.token.here'), 401, 'UNAUTHORIZED'],
    [await call('POST', '/api/studios/moscow/ingests', JSON.stringify({ label: 'x', protocol: 'rtp' })), 403, 'FORBIDDEN'],
    [await call('POST', '/api/studios/london/ingests', JSON.stringify({ label: 'x', protocol: 'rtp', admin: true })), 400, 'INVALID_REQUEST'],
    [await call('POST', '/api/studios/london/ingests', '{"label": '), 400, 'INVALID_REQUEST'],
    [await call('POST', '/api/studios/london/ingests', JSON.stringify({ label: 'x'.repeat(100_000), protocol: 'rtp' })), 413, 'INVALID_REQUEST'],
    [await call('DELETE', '/api/ingests/no-such-ingest'), 404, 'NOT_FOUND'],
  ];
  for (const [response, status, code] of refusals) {
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
  }

  expect((await call('DELETE', `/api/ingests/${info.id}`)).status).toBe(204);
  expect(await (await call('GET', '/api/studios/london/ingests')).json()).toEqual([]);
});
