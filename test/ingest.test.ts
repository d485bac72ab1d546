// RTP and SRT ingest with Debian's ffmpeg as the encoder, running the exact command the studio
// page shows: the feed arrives, is healthy, and a producer can put it on air.
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { IngestInfo } from '@hybrid-stage/shared';
import { runShownCommand } from './support/encoder';
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

/** {@link runShownCommand}, killed after the test. */
function runEncoder(info: IngestInfo, command?: string): ChildProcess {
  const encoder = runShownCommand(info, { command });
  encoders.push(encoder);
  return encoder;
}

/** Bytes the feed's producers have received so far. */
async function receivedBytes(feedId: string): Promise<number> {
  let bytes = 0;
  for (const { producer } of server.feeds.get(feedId).tracks) for (const s of await producer.getStats()) bytes += s.byteCount;
  return bytes;
}

/** Waits until the feed's health shows video frames and keyframes arriving. */
async function healthy(feedId: string) {
  return producer.next('feeds:health', (list) => {
    const h = list.find((f) => f.feedId === feedId);
    return !!h && !h.stalled && h.framesPerSecond > 10 && h.bitrate > 50_000 && h.msSinceKeyFrame !== null;
  }, 20_000);
}

it.each(['rtp', 'srt'] as const)('takes a feed from an encoder over %s and puts it on air', async (protocol) => {
  const source = protocol === 'rtp' ? { source: { ip: '127.0.0.1' } } : {};
  const info = await studio.ok('ingest:create', { studioId: 'london', label: `London ${protocol} encoder`, protocol, ...source });
  expect(info).toMatchObject({ studioId: 'london', protocol, label: `London ${protocol} encoder` });
  if (protocol === 'rtp') {
    expect(info.rtp?.video).toMatchObject({ ip: '127.0.0.1', payloadType: 101 });
    expect(info.ffmpegCommand).toContain(`-ssrc ${info.rtp!.video.ssrc}`);
  } else {
    expect(info.url).toMatch(/^srt:\/\/127\.0\.0\.1:427\d\d\?mode=caller/);
    expect(info.url).toContain(`passphrase=${info.srt!.passphrase}`);
    expect(info.srt!.passphrase.length).toBeGreaterThanOrEqual(32);
    expect(info.obs?.server).toBe(info.url);
  }
  expect((await studio.ok('ingest:list', { studioId: 'london' })).map((i) => i.id)).toContain(info.id);

  runEncoder(info);
  await healthy(info.feedId);
  await producer.take('b2b', info.feedId);

  await studio.ok('ingest:close', { ingestId: info.id });
  expect((await studio.ok('event:get', {})).feeds.map((f) => f.id)).not.toContain(info.feedId);
  expect(await studio.ok('ingest:list', { studioId: 'london' })).toEqual([]);
});

it('takes an SRT push only with the ingest\'s passphrase, and never shows the passphrase to viewers', async () => {
  // Asked for at once (two clicks): each gets a port of its own.
  const [info, other] = await Promise.all([
    studio.ok('ingest:create', { studioId: 'london', label: 'London SRT, locked', protocol: 'srt' }),
    studio.ok('ingest:create', { studioId: 'london', label: 'London SRT, other', protocol: 'srt' }),
  ]);
  expect(new URL(other.url!).port).not.toBe(new URL(info.url!).port);
  expect(other.srt!.passphrase).not.toBe(info.srt!.passphrase);
  expect(other.srt!.streamId).not.toBe(info.srt!.streamId);

  // Someone who reaches the SRT port but not the passphrase: without one, and with another ingest's.
  for (const secret of ['', `passphrase=${other.srt!.passphrase}&`]) {
    const command = info.ffmpegCommand.replace(/passphrase=[^&"]+&/, secret);
    expect(command).not.toContain(info.srt!.passphrase);
    const intruder = runEncoder(info, command);
    // The handshake is refused: the caller gives up and exits without sending a picture.
    await new Promise((resolve) => intruder.once('exit', resolve));
    expect(intruder.exitCode).not.toBe(0);
  }
  expect(await receivedBytes(info.feedId)).toBe(0);

  // A viewer sees the feed but nothing of how to send to it.
  const viewer = await TestClient.connectAs(server, { role: 'viewer' });
  try {
    const event = JSON.stringify(await viewer.ok('event:get', {}));
    expect(event).toContain(info.feedId);
    expect(event).not.toContain(info.srt!.passphrase);
    expect(await viewer.request('ingest:list', { studioId: 'london' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  } finally {
    viewer.close();
  }

  // The studio's encoder, with the URL as shown, gets through.
  runEncoder(info);
  await healthy(info.feedId);
  expect(await receivedBytes(info.feedId)).toBeGreaterThan(0);
  await studio.ok('ingest:close', { ingestId: info.id });
  await studio.ok('ingest:close', { ingestId: other.id });
});

/** Sends `count` VP8-shaped RTP packets of `ssrc` from `ip`:`fromPort` to 127.0.0.1:`port`, one per 5 ms. */
async function sendRtp({ ip, fromPort, port, ssrc, count, firstSeq }: { ip: string; fromPort: number; port: number; ssrc: number; count: number; firstSeq: number }) {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(fromPort, ip, resolve));
  try {
    for (let i = 0; i < count; i++) {
      const packet = Buffer.alloc(1000);
      packet[0] = 0x80;
      packet[1] = 0x80 | 101;
      packet.writeUInt16BE(firstSeq + i, 2);
      packet.writeUInt32BE(90_000 + i * 3600, 4);
      packet.writeUInt32BE(ssrc, 8);
      // VP8 descriptor (X, S, a PictureID) and a keyframe header: a frame per packet.
      packet[12] = 0x90;
      packet[13] = 0x80;
      packet.writeUInt16BE(0x8000 | (firstSeq + i), 14);
      packet[16] = 0x00;
      await new Promise<void>((resolve, reject) => socket.send(packet, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    socket.close();
  }
}

/** RTP packets the feed's video producer has taken in. */
async function videoPackets(feedId: string): Promise<number> {
  const video = server.feeds.get(feedId).track('video');
  return (await video!.producer.getStats()).reduce((sum, s) => sum + s.packetCount, 0);
}

it("takes RTP only from the encoder's declared address: an earlier sender elsewhere does not lock the ingest", async () => {
  const source = { ip: '127.0.0.2', videoPort: 19004, audioPort: 19006 };
  const info = await studio.ok('ingest:create', { studioId: 'london', label: 'London RTP, declared', protocol: 'rtp', source });
  expect(info.source).toEqual(source);
  expect(info.ffmpegCommand).toContain('localrtpport=19004&localrtcpport=19005');
  const target = { port: info.rtp!.video.port, ssrc: info.rtp!.video.ssrc };
  // Someone who learnt the port and SSRC sends first, from another address with the declared port,
  // then from the declared address with another port; the encoder sends after, more packets.
  await sendRtp({ ip: '127.0.0.3', fromPort: 19004, ...target, count: 30, firstSeq: 1000 });
  await sendRtp({ ip: '127.0.0.2', fromPort: 19010, ...target, count: 30, firstSeq: 1100 });
  await sendRtp({ ip: '127.0.0.2', fromPort: 19004, ...target, count: 60, firstSeq: 2000 });
  // Exactly the encoder's packets are in the feed: none of the others.
  await expect.poll(() => videoPackets(info.feedId), { timeout: 10_000 }).toBeGreaterThanOrEqual(60);
  expect(await videoPackets(info.feedId)).toBe(60);
  await studio.ok('ingest:close', { ingestId: info.id });

  // An RTP ingest without a declared address, or one an IPv4 ingest cannot take, is refused.
  expect(await studio.raw('ingest:create', { studioId: 'london', label: 'x', protocol: 'rtp' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  expect(await studio.raw('ingest:create', { studioId: 'london', label: 'x', protocol: 'rtp', source: { ip: 'example.com' } })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  expect(await studio.raw('ingest:create', { studioId: 'london', label: 'x', protocol: 'rtp', source: { ip: '::1' } })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  expect(await studio.raw('ingest:create', { studioId: 'london', label: 'x', protocol: 'srt', source: { ip: '127.0.0.1' } })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  expect(await studio.ok('ingest:list', { studioId: 'london' })).toEqual([]);
});

it("keeps ingests to the studio's own link, and refuses bad requests", async () => {
  const moscow = await TestClient.connectAs(server, { role: 'studio', studioId: 'moscow' });
  try {
    expect(await moscow.request('ingest:create', { studioId: 'london', label: 'x', protocol: 'rtp', source: { ip: '127.0.0.1' } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await moscow.raw('ingest:create', { studioId: 'moscow', label: 'x', protocol: 'rtmp' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const mine = await moscow.ok('ingest:create', { studioId: 'moscow', label: 'Moscow encoder', protocol: 'rtp', source: { ip: '127.0.0.1' } });
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
    [await call('POST', '/api/studios/moscow/ingests', JSON.stringify({ label: 'x', protocol: 'rtp', source: { ip: '127.0.0.1' } })), 403, 'FORBIDDEN'],
    [await call('POST', '/api/studios/london/ingests', JSON.stringify({ label: 'x', protocol: 'rtp', source: { ip: '127.0.0.1' }, admin: true })), 400, 'INVALID_REQUEST'],
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
