import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Grant } from '@hybrid-stage/shared';
import type { WorkerPool } from '../media/WorkerPool';
import type { Feed } from '../studios/Feed';
import { ClientSession } from './ClientSession';
import { MAX_MISSED, type ClientLink } from './ClientLink';
import { ClientSessionKeeper, type Connecting } from './ClientSessionKeeper';

/** A connection as the keeper sees it, recording what reached it. */
class FakeSocket {
  connected = true;
  readonly got: string[] = [];
  disconnect(): void {
    this.connected = false;
  }
}

/** A keeper whose sessions note their notices on the fake sockets (and hold a stand-in feed unless `holding` is false). */
function keeperWith(graceMs: number, holding = true) {
  const keeper = new ClientSessionKeeper<FakeSocket>(graceMs);
  const connect = (socket: FakeSocket, client: Connecting) =>
    keeper.connect(socket, client, (link) => {
      // The pool is never touched: each session holds one stand-in feed (so there is something to keep).
      const session = new ClientSession({} as WorkerPool, client.grant, {
        consumerClosed: (id) => link.notify((s) => s.got.push(`closed ${id}`)),
        mediaLost: () => link.notifyAlone((s) => s.got.push('lost')),
      });
      if (holding) session.adoptFeed({ id: 'feed', once: () => undefined, close: () => undefined } as unknown as Feed);
      return session;
    });
  return { keeper, connect };
}

const viewer = (resume?: string, withToken = false): Connecting => ({ grant: { role: 'viewer' }, withToken, resume });
const as = (grant: Grant, resume?: string, withToken = true): Connecting => ({ grant, withToken, resume });

/** Drops `socket` as a network blip would. */
const drop = (keeper: ClientSessionKeeper<FakeSocket>, link: ClientLink<FakeSocket>, socket: FakeSocket) => {
  socket.connected = false;
  keeper.disconnected(link, socket, false);
};

describe('ClientSessionKeeper', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('gives a held session back within the grace period, and closes it after', () => {
    const { keeper, connect } = keeperWith(15_000);
    const first = new FakeSocket();
    const { link, resumed } = connect(first, viewer());
    expect(resumed).toBe(false);
    const token = link.token;
    drop(keeper, link, first);
    vi.advanceTimersByTime(14_000);
    const back = connect(new FakeSocket(), viewer(token));
    expect(back.resumed).toBe(true);
    expect(back.link).toBe(link);
    // A resume token works once: the client gets a new one.
    expect(link.token).not.toBe(token);
    expect(connect(new FakeSocket(), viewer(token)).resumed).toBe(false);
    // Resuming stopped the clock: a later drop starts a whole new grace period.
    vi.advanceTimersByTime(10_000);
    expect(link.session.closed).toBe(false);
    drop(keeper, link, link.socket!);
    expect(keeper.held).toBe(1);
    vi.advanceTimersByTime(15_000);
    expect(link.session.closed).toBe(true);
    expect(keeper.held).toBe(0);
    expect(connect(new FakeSocket(), viewer(link.token)).resumed).toBe(false);
  });

  it('keeps the notices a client missed while away and sends them on its new connection; lost media makes the earlier ones moot', () => {
    const { keeper, connect } = keeperWith(15_000);
    const first = new FakeSocket();
    const { link } = connect(first, viewer());
    link.notify((s) => s.got.push('a'));
    expect(first.got).toEqual(['a']);
    drop(keeper, link, first);
    link.notify((s) => s.got.push('b'));
    link.notify((s) => s.got.push('c'));
    const second = new FakeSocket();
    connect(second, viewer(link.token));
    expect(second.got).toEqual([]);
    link.deliverMissed();
    expect(second.got).toEqual(['b', 'c']);
    expect(first.got).toEqual(['a']);

    drop(keeper, link, second);
    link.notify((s) => s.got.push('d'));
    link.notifyAlone((s) => s.got.push('lost'));
    for (let i = 0; i < MAX_MISSED + 10; i++) link.notify((s) => s.got.push('later'));
    const third = new FakeSocket();
    connect(third, viewer(link.token));
    link.deliverMissed();
    expect(third.got[0]).toBe('lost');
    expect(third.got).toHaveLength(MAX_MISSED);
  });

  it('lets a new connection take a session over from one that has not noticed its drop, and ignores the old one going', () => {
    const { keeper, connect } = keeperWith(15_000);
    const stale = new FakeSocket();
    const { link } = connect(stale, viewer());
    const fresh = new FakeSocket();
    expect(connect(fresh, viewer(link.token)).resumed).toBe(true);
    expect(stale.connected).toBe(false);
    expect(link.socket).toBe(fresh);
    keeper.disconnected(link, stale, true);
    expect(link.session.closed).toBe(false);
    expect(link.socket).toBe(fresh);
  });

  it('refuses another grant, a token-less connection for a signed-in session, or an unknown token, and closes at once with no grace period or when the client leaves', () => {
    const { keeper, connect } = keeperWith(15_000);
    const london = { role: 'studio' as const, studioId: 'london' };
    const socket = new FakeSocket();
    const { link: studio } = connect(socket, as(london));
    drop(keeper, studio, socket);
    expect(connect(new FakeSocket(), as({ role: 'studio', studioId: 'moscow' }, studio.token)).resumed).toBe(false);
    expect(connect(new FakeSocket(), as({ role: 'viewer' }, studio.token)).resumed).toBe(false);
    expect(connect(new FakeSocket(), as(london, `${studio.token}x`)).resumed).toBe(false);
    // A registered viewer's session is not an anonymous connection's, though both grants read "viewer".
    const registeredSocket = new FakeSocket();
    const { link: registered } = connect(registeredSocket, viewer(undefined, true));
    drop(keeper, registered, registeredSocket);
    expect(connect(new FakeSocket(), viewer(registered.token, false)).resumed).toBe(false);
    expect(connect(new FakeSocket(), viewer(registered.token, true)).link).toBe(registered);
    const back = connect(new FakeSocket(), as(london, studio.token));
    expect(back.resumed).toBe(true);
    keeper.disconnected(studio, back.link.socket!, true);
    expect(studio.session.closed).toBe(true);

    const none = keeperWith(0);
    const goneSocket = new FakeSocket();
    const { link: gone } = none.connect(goneSocket, viewer());
    drop(none.keeper, gone, goneSocket);
    expect(gone.session.closed).toBe(true);
  });

  it('does not hold a session that has no media or feeds', () => {
    const { keeper, connect } = keeperWith(15_000, false);
    const socket = new FakeSocket();
    const { link } = connect(socket, viewer());
    drop(keeper, link, socket);
    expect(link.session.closed).toBe(true);
    expect(keeper.held).toBe(0);
  });

  it('closes every session, held or connected, when closed, and any opened after', () => {
    const { keeper, connect } = keeperWith(15_000);
    const [sa, sb] = [new FakeSocket(), new FakeSocket()];
    const { link: a } = connect(sa, viewer());
    const { link: b } = connect(sb, viewer());
    drop(keeper, a, sa);
    keeper.close();
    expect([a.session.closed, b.session.closed]).toEqual([true, true]);
    const { link: late } = connect(new FakeSocket(), viewer());
    expect(late.session.closed).toBe(true);
    expect(connect(new FakeSocket(), viewer(late.token)).resumed).toBe(false);
  });
});
