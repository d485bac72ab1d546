// The studio's publish/retry state machine, driven through its signaling events with stand-ins for
// the socket, the browser's capture and the media session (the real ones run in test/browser/studio
// and studioFault).
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { SignalingClient } from '../signaling/SignalingClient';
import { Publisher, type PublishState, type SendingSession } from './Publisher';

interface FakeTrack {
  kind: string;
  stopped: boolean;
  stop(): void;
  addEventListener(type: string, listener: () => void): void;
  end(): void;
}

function track(kind: string): FakeTrack {
  const ended: (() => void)[] = [];
  return {
    kind,
    stopped: false,
    stop() {
      this.stopped = true;
    },
    addEventListener: (type, listener) => type === 'ended' && ended.push(listener),
    end: () => ended.forEach((l) => l()),
  };
}

/** A studio page's world: the server's answers, the sessions opened and what went over them. */
function studio() {
  /** How many of the next feed:open requests and publishes fail. */
  const fail = { opens: 0, publishes: 0 };
  const socket = new EventEmitter();
  const requests: { name: string; payload: unknown }[] = [];
  let feeds = 0;
  const signaling = {
    socket,
    request: async (name: string, payload: unknown) => {
      requests.push({ name, payload });
      if (name === 'feed:open') {
        if (fail.opens > 0) {
          fail.opens--;
          throw new Error('no answer');
        }
        return { id: `feed-${++feeds}` };
      }
      return {};
    },
  } as unknown as SignalingClient;
  const sessions: { published: string[]; closed: boolean }[] = [];
  const openSession = (): SendingSession => {
    const session = { published: [] as string[], closed: false };
    sessions.push(session);
    return {
      publish: async (feedId, t) => {
        if (fail.publishes > 0) {
          fail.publishes--;
          throw new Error('transport failed');
        }
        session.published.push(`${feedId}:${t.kind}`);
      },
      sendStats: async () => undefined,
      close: () => void (session.closed = true),
    };
  };
  const tracks = [track('video'), track('audio')];
  const stream = { getTracks: () => tracks, getVideoTracks: () => tracks.slice(0, 1) } as unknown as MediaStream;
  const publisher = new Publisher(signaling, { tries: 3, retryMs: 0, openSession });
  const states: PublishState['kind'][] = [];
  publisher.subscribe(() => states.push(publisher.current().kind));
  const goLive = () => publisher.goLive({ studioId: 'london', label: 'Camera 1', capture: async () => stream });
  /** Lets the publisher's awaited steps (and its retries' zero waits) run. */
  const settle = () => new Promise((r) => setTimeout(r, 20));
  return { fail, socket, requests, sessions, tracks, publisher, states, goLive, settle };
}

describe('Publisher', () => {
  it('goes live: captures, opens a feed and publishes both tracks into it', async () => {
    const s = studio();
    await s.goLive();
    expect(s.states).toEqual(['starting', 'live']);
    expect(s.publisher.current()).toEqual({ kind: 'live', feedId: 'feed-1' });
    expect(s.requests).toEqual([{ name: 'feed:open', payload: { studioId: 'london', label: 'Camera 1' } }]);
    expect(s.sessions).toEqual([{ published: ['feed-1:video', 'feed-1:audio'], closed: false }]);
  });

  it('stops the camera and opens no feed when the page closes while the camera is being asked for', async () => {
    const s = studio();
    let give!: (stream: MediaStream) => void;
    const going = s.publisher.goLive({ studioId: 'london', label: 'Camera 1', capture: () => new Promise((resolve) => (give = resolve)) });
    s.publisher.close();
    give({ getTracks: () => s.tracks, getVideoTracks: () => s.tracks.slice(0, 1) } as unknown as MediaStream);
    await going;
    expect(s.tracks.every((t) => t.stopped)).toBe(true);
    expect(s.requests).toEqual([]);
    expect(s.sessions).toEqual([]);
  });

  it('stays ended when the page ends it before the camera answered: no feed, the camera off', async () => {
    const s = studio();
    let give!: (stream: MediaStream) => void;
    const going = s.publisher.goLive({ studioId: 'london', label: 'Camera 1', capture: () => new Promise((resolve) => (give = resolve)) });
    s.publisher.end();
    give({ getTracks: () => s.tracks, getVideoTracks: () => s.tracks.slice(0, 1) } as unknown as MediaStream);
    await going;
    await s.settle();
    expect(s.tracks.every((t) => t.stopped)).toBe(true);
    expect(s.requests).toEqual([]);
    expect(s.publisher.current().kind).toBe('idle');
  });

  it('shows the browser refusing the camera as the error, and opens no feed', async () => {
    const s = studio();
    const refusal = new Error('Permission denied');
    await s.publisher.goLive({ studioId: 'london', label: 'Camera 1', capture: () => Promise.reject(refusal) });
    expect(s.publisher.current()).toEqual({ kind: 'error', error: refusal });
    expect(s.requests).toEqual([]);
  });

  it('publishes into the same feed on a new session after the media worker died', async () => {
    const s = studio();
    await s.goLive();
    s.socket.emit('media:lost');
    await s.settle();
    expect(s.sessions.map((x) => x.closed)).toEqual([true, false]);
    expect(s.sessions[1]!.published).toEqual(['feed-1:video', 'feed-1:audio']);
    expect(s.publisher.current()).toEqual({ kind: 'live', feedId: 'feed-1' });
  });

  it('opens a new feed after a reconnect that did not resume the session, and not after one that did', async () => {
    const s = studio();
    await s.goLive();
    s.socket.emit('session:resumable', { resumed: true, token: 't' });
    await s.settle();
    expect(s.sessions).toHaveLength(1);
    s.socket.emit('session:resumable', { resumed: false, token: 't2' });
    await s.settle();
    expect(s.requests.filter((r) => r.name === 'feed:open')).toHaveLength(2);
    expect(s.publisher.current()).toEqual({ kind: 'live', feedId: 'feed-2' });
    expect(s.sessions[1]!.published).toEqual(['feed-2:video', 'feed-2:audio']);
  });

  it('retries a failed reopen until the server gives a feed', async () => {
    const s = studio();
    await s.goLive();
    // The server restarted and is not ready yet: the next two opens fail, the third gets a feed.
    s.fail.opens = 2;
    s.socket.emit('session:resumable', { resumed: false, token: 't2' });
    await s.settle();
    expect(s.requests.filter((r) => r.name === 'feed:open')).toHaveLength(4);
    expect(s.publisher.current()).toEqual({ kind: 'live', feedId: 'feed-2' });
    expect(s.tracks.some((t) => t.stopped)).toBe(false);
  });

  it('gives up after its tries: closes the dead feed, stops the camera and shows the error', async () => {
    const s = studio();
    await s.goLive();
    s.fail.publishes = 3;
    s.socket.emit('media:lost');
    await s.settle();
    expect(s.publisher.current()).toMatchObject({ kind: 'error', error: new Error('transport failed') });
    expect(s.requests.at(-1)).toEqual({ name: 'feed:close', payload: { feedId: 'feed-1' } });
    expect(s.tracks.every((t) => t.stopped)).toBe(true);
    expect(s.sessions.every((x) => x.closed)).toBe(true);
  });

  it('lets only the newest recovery go on: a feed the overtaken one opened is closed again', async () => {
    const s = studio();
    await s.goLive();
    s.socket.emit('session:resumable', { resumed: false, token: 't2' });
    s.socket.emit('media:lost');
    await s.settle();
    // The reopen's feed-2 came after media:lost had started over on feed-1: it is closed, feed-1 stays live.
    expect(s.requests.slice(1)).toEqual([
      { name: 'feed:open', payload: { studioId: 'london', label: 'Camera 1' } },
      { name: 'feed:close', payload: { feedId: 'feed-2' } },
    ]);
    expect(s.publisher.current()).toEqual({ kind: 'live', feedId: 'feed-1' });
  });

  it('ends: closes the feed, stops the tracks, and recovers nothing afterwards', async () => {
    const s = studio();
    await s.goLive();
    s.publisher.end();
    expect(s.publisher.current()).toEqual({ kind: 'idle' });
    expect(s.requests.at(-1)).toEqual({ name: 'feed:close', payload: { feedId: 'feed-1' } });
    expect(s.tracks.every((t) => t.stopped)).toBe(true);
    s.socket.emit('media:lost');
    await s.settle();
    expect(s.sessions).toHaveLength(1);
  });

  it('ends the feed when the browser ends the screen share', async () => {
    const s = studio();
    await s.goLive();
    s.tracks[0]!.end();
    expect(s.publisher.current()).toEqual({ kind: 'idle' });
    expect(s.requests.at(-1)).toEqual({ name: 'feed:close', payload: { feedId: 'feed-1' } });
  });
});
