import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Grant } from '@hybrid-stage/shared';
import type { WorkerPool } from '../media/WorkerPool';
import type { Feed } from '../studios/Feed';
import { ClientSession } from './ClientSession';
import { ClientSessionKeeper } from './ClientSessionKeeper';

// The pool is never touched: each session holds one stand-in feed (so there is something to keep).
const session = (grant: Grant = { role: 'viewer' }, holding = true) => {
  const made = new ClientSession({} as WorkerPool, grant, { consumerClosed: () => {}, mediaLost: () => {} });
  if (holding) made.adoptFeed({ id: 'feed', once: () => undefined, close: () => undefined } as unknown as Feed);
  return made;
};

describe('ClientSessionKeeper', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('gives a held session back within the grace period, and closes it after', () => {
    const keeper = new ClientSessionKeeper(15_000);
    const kept = session();
    const token = keeper.add(kept, false);
    keeper.hold(kept);
    vi.advanceTimersByTime(14_000);
    const resumed = keeper.resume(token, { role: 'viewer' }, false);
    expect(resumed?.session).toBe(kept);
    // A resume token works once: the client gets a new one.
    expect(resumed?.token).not.toBe(token);
    expect(keeper.resume(token, { role: 'viewer' }, false)).toBeUndefined();
    // Resuming stopped the clock: a later drop starts a whole new grace period.
    vi.advanceTimersByTime(10_000);
    expect(kept.closed).toBe(false);
    keeper.hold(kept);
    expect(keeper.held).toBe(1);
    vi.advanceTimersByTime(15_000);
    expect(kept.closed).toBe(true);
    expect(keeper.held).toBe(0);
    expect(keeper.resume(resumed!.token, { role: 'viewer' }, false)).toBeUndefined();
  });

  it('refuses another grant, a token-less connection for a signed-in session, or an unknown token, and closes at once with no grace period or on release', () => {
    const keeper = new ClientSessionKeeper(15_000);
    const studio = session({ role: 'studio', studioId: 'london' });
    const token = keeper.add(studio, true);
    keeper.hold(studio);
    expect(keeper.resume(token, { role: 'studio', studioId: 'moscow' }, true)).toBeUndefined();
    expect(keeper.resume(token, { role: 'viewer' }, true)).toBeUndefined();
    expect(keeper.resume(`${token}x`, { role: 'studio', studioId: 'london' }, true)).toBeUndefined();
    // A registered viewer's session is not an anonymous connection's, though both grants read "viewer".
    const registered = session();
    const registeredToken = keeper.add(registered, true);
    keeper.hold(registered);
    expect(keeper.resume(registeredToken, { role: 'viewer' }, false)).toBeUndefined();
    expect(keeper.resume(registeredToken, { role: 'viewer' }, true)?.session).toBe(registered);
    keeper.release(studio);
    expect(studio.closed).toBe(true);

    const none = new ClientSessionKeeper(0);
    const gone = session();
    none.add(gone, false);
    none.hold(gone);
    expect(gone.closed).toBe(true);
  });

  it('does not hold a session that has no media or feeds', () => {
    const keeper = new ClientSessionKeeper(15_000);
    const reader = session({ role: 'viewer' }, false);
    keeper.add(reader, false);
    keeper.hold(reader);
    expect(reader.closed).toBe(true);
    expect(keeper.held).toBe(0);
  });

  it('closes every session, held or connected, when closed, and any added after', () => {
    const keeper = new ClientSessionKeeper(15_000);
    const [a, b] = [session(), session()];
    keeper.add(a, false);
    keeper.add(b, false);
    keeper.hold(a);
    keeper.close();
    expect([a.closed, b.closed]).toEqual([true, true]);
    const late = session();
    const token = keeper.add(late, false);
    expect(late.closed).toBe(true);
    expect(keeper.resume(token, { role: 'viewer' }, false)).toBeUndefined();
  });
});
