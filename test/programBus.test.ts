// The program bus with real workers and ffmpeg test patterns: a take cuts the program to another
// feed at its keyframe, and viewers' packets stay one stream (one SSRC, continuous numbering).
import { describe, expect } from 'vitest';
import type { ChannelState } from '@hybrid-stage/shared';
import { createLogger } from '../server/src/logger';
import { TestPattern } from '../server/src/studios/TestPattern';
import { isVp8KeyFrame, vp8DescriptorLength, type RtpPacket } from '../server/src/media/rtp';
import { serverTest } from './support/fixtures';
import { Sink } from './support/rtpSink';
import type { TestServer } from './support/server';

const test = serverTest();

/** A VP8 packet's coded bytes, without the descriptor the bus renumbers. */
const body = (p: RtpPacket) => p.payload.subarray(vp8DescriptorLength(p.payload)).toString('base64');

const feedOf = (server: TestServer, studioId: string) => server.feeds.feeds.find((f) => f.studioId === studioId && f.source === 'test-pattern')!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a take', () => {
  test('cuts the program to the new feed at its keyframe, as one continuous stream', async ({ server, producer }) => {
    const bus = server.channels.bus('main');
    const london = feedOf(server, 'london');
    const moscow = feedOf(server, 'moscow');
    // The demo starts Main stage on London, at London's first keyframe.
    await expect.poll(() => bus.programFeedId, { timeout: 5000 }).toBe(london.id);

    const program = await Sink.of(bus.router, bus.producers.video);
    const fromLondon = await Sink.of(london.track('video')!.router, london.track('video')!.producer);
    const fromMoscow = await Sink.of(moscow.track('video')!.router, moscow.track('video')!.producer);
    try {
      await sleep(1000);
      const cut = producer.next('channel:changed', (c) => c.id === 'main' && c.program === moscow.id);
      const taken = await producer.ok('program:take', { channelId: 'main', feedId: moscow.id });
      expect(taken.pending).toBe(moscow.id); // waiting for Moscow's keyframe
      const state = (await cut) as ChannelState;
      expect(state.cuts[0]).toMatchObject({ feedId: moscow.id, reason: 'take', by: 'producer' });
      await sleep(1500);
    } finally {
      program.close();
      fromLondon.close();
      fromMoscow.close();
    }

    const packets = program.packets;
    expect(packets.length).toBeGreaterThan(100);
    // One SSRC, and every sequence number follows the one before (loopback loses nothing).
    expect(new Set(packets.map((p) => p.ssrc)).size).toBe(1);
    for (let i = 1; i < packets.length; i++) {
      expect((packets[i]!.sequenceNumber - packets[i - 1]!.sequenceNumber) & 0xffff, `packet ${i}`).toBe(1);
    }
    // Timestamps never go back (modulo 2^32).
    for (let i = 1; i < packets.length; i++) {
      expect((packets[i]!.timestamp - packets[i - 1]!.timestamp) >>> 0, `packet ${i}`).toBeLessThan(0x80000000);
    }
    // Before the cut the payloads are London's, after it Moscow's, starting with a keyframe.
    const londonBodies = new Set(fromLondon.packets.map(body));
    const moscowBodies = new Set(fromMoscow.packets.map(body));
    const firstMoscow = packets.findIndex((p) => moscowBodies.has(body(p)));
    expect(firstMoscow).toBeGreaterThan(10);
    expect(isVp8KeyFrame(packets[firstMoscow]!.payload)).toBe(true);
    expect(packets.slice(0, firstMoscow).every((p) => londonBodies.has(body(p)))).toBe(true);
    expect(packets.slice(firstMoscow).every((p) => moscowBodies.has(body(p)))).toBe(true);
  });

  test('sends audio from the new feed too', async ({ server, producer }) => {
    const bus = server.channels.bus('europe');
    const singapore = feedOf(server, 'singapore');
    const program = await Sink.of(bus.router, bus.producers.audio);
    const fromSingapore = await Sink.of(singapore.track('audio')!.router, singapore.track('audio')!.producer);
    try {
      await producer.take('europe', singapore.id);
      await sleep(1000);
    } finally {
      program.close();
      fromSingapore.close();
    }
    const singaporeAudio = new Set(fromSingapore.packets.map((p) => p.payload.toString('base64')));
    const tail = program.packets.slice(-20);
    expect(tail.length).toBe(20);
    expect(tail.every((p) => singaporeAudio.has(p.payload.toString('base64')))).toBe(true);
    expect(new Set(program.packets.map((p) => p.ssrc)).size).toBe(1);
  });

  test('reaches every producer console with the same state and a version that only grows', async ({ server, producer, clients }) => {
    const other = await clients.as({ role: 'producer' });
    try {
      const before = (await other.ok('event:get', {})).channels.find((c) => c.id === 'b2b')!;
      const seen = other.next('channel:changed', (c) => c.id === 'b2b' && c.preview === feedOf(server, 'moscow').id);
      const mine = await producer.ok('program:preview', { channelId: 'b2b', feedId: feedOf(server, 'moscow').id });
      const theirs = (await seen) as ChannelState;
      expect(theirs).toEqual(mine);
      expect(theirs.version).toBeGreaterThan(before.version);
    } finally {
      other.close();
    }
  });
});

describe('the backup feed', () => {
  test('takes over by itself when the program stalls, and the producers are told', async ({ server, producer }) => {
    const london = feedOf(server, 'london');
    const singapore = feedOf(server, 'singapore');
    await producer.take('b2c', london.id);
    await producer.ok('program:backup', { channelId: 'b2c', feedId: singapore.id });

    const alert = producer.next('program:alert', (a) => a.channelId === 'b2c');
    const failedOver = producer.next('channel:changed', (c) => c.id === 'b2c' && c.program === singapore.id);
    // London's encoder stops sending: the SFU gets no more packets from it.
    for (const { producer: p } of london.tracks) await p.pause();
    try {
      expect(await alert).toMatchObject({ kind: 'stalledToBackup', feed: 'London test pattern', backup: 'Singapore test pattern' });
      const state = (await failedOver) as ChannelState;
      expect(state.cuts[0]).toMatchObject({ feedId: singapore.id, reason: 'failover', by: 'automatic' });
      const stalled = await producer.next('feeds:health', (h) => h.some((f) => f.feedId === london.id && f.stalled));
      expect(stalled.find((f) => f.feedId === singapore.id)).toMatchObject({ stalled: false });
    } finally {
      for (const { producer: p } of london.tracks) await p.resume();
    }
  });

  test('takes over when the program feed ends', async ({ server, producer }) => {
    const singapore = feedOf(server, 'singapore');
    const feed = server.feeds.open('moscow', 'Moscow camera 2', 'test-pattern');
    const pattern = await TestPattern.start({
      studio: server.feeds.studios.find((s) => s.id === 'moscow')!,
      feed,
      router: server.pool.ingest.router,
      size: '320x180',
      logger: createLogger('warn'),
    });
    try {
      await producer.take('industrial', feed.id);
      await producer.ok('program:backup', { channelId: 'industrial', feedId: singapore.id });
      const failedOver = producer.next('channel:changed', (c) => c.id === 'industrial' && c.program === singapore.id);
      pattern.close(); // the camera's encoder goes away and its feed ends
      expect(((await failedOver) as ChannelState).cuts[0]).toMatchObject({ reason: 'failover', feedId: singapore.id });
    } finally {
      pattern.close();
    }
  });
});

describe('bad takes', () => {
  test('refuses unknown feeds and channels and other roles, and changes nothing', async ({ server, producer, clients }) => {
    const before = (await producer.ok('event:get', {})).channels;
    const viewer = await clients.connect();
    const studio = await clients.as({ role: 'studio', studioId: 'london' });
    try {
      const feedId = feedOf(server, 'moscow').id;
      expect(await producer.request('program:take', { channelId: 'main', feedId: 'no-such-feed' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await producer.request('program:take', { channelId: 'no-such-channel', feedId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await viewer.request('program:take', { channelId: 'main', feedId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await studio.request('program:take', { channelId: 'main', feedId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await producer.raw('program:take', { channelId: 'main' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      expect((await producer.ok('event:get', {})).channels).toEqual(before);
    } finally {
      viewer.close();
      studio.close();
    }
  });
});
