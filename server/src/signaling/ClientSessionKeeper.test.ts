import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Grant } from '@hybrid-stage/shared';
import type { WorkerPool } from '../media/WorkerPool';
import { ClientSession } from './ClientSession';
import { ClientSessionKeeper } from './ClientSessionKeeper';

// Sessions that never asked for media need no worker: the pool is never touched.
const session = (grant: Grant = { role: 'viewer' }) => new ClientSession({} as WorkerPool, grant, { consumerClosed: () => {}, mediaLost: () => {} });

describe('ClientSessionKeeper', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('gives a held session back within the grace period, and closes it after', () => {
    const keeper = new ClientSessionKeeper(15_000);
    const kept = session();
    const token = keeper.add(kept);
    keeper.hold(kept);
    vi.advanceTimersByTime(14_000);
    expect(keeper.resume(token, { role: 'viewer' })).toBe(kept);
    // Resuming stopped the clock: a later drop starts a whole new grace period.
    vi.advanceTimersByTime(10_000);
    expect(kept.closed).toBe(false);
    keeper.hold(kept);
    expect(keeper.held).toBe(1);
    vi.advanceTimersByTime(15_000);
    expect(kept.closed).toBe(true);
    expect(keeper.held).toBe(0);
    expect(keeper.resume(token, { role: 'viewer' })).toBeUndefined();
  });

  it('refuses another grant or an unknown token, and closes at once with no grace period or on release', () => {
    const keeper = new ClientSessionKeeper(15_000);
    const studio = session({ role: 'studio', studioId: 'london' });
    const token = keeper.add(studio);
    keeper.hold(studio);
    expect(keeper.resume(token, { role: 'studio', studioId: 'moscow' })).toBeUndefined();
    expect(keeper.resume(token, { role: 'viewer' })).toBeUndefined();
    expect(keeper.resume(`${token}x`, { role: 'studio', studioId: 'london' })).toBeUndefined();
    keeper.release(studio);
    expect(studio.closed).toBe(true);

    const none = new ClientSessionKeeper(0);
    const gone = session();
    none.add(gone);
    none.hold(gone);
    expect(gone.closed).toBe(true);
  });

  it('closes every session, held or connected, when closed, and any added after', () => {
    const keeper = new ClientSessionKeeper(15_000);
    const [a, b] = [session(), session()];
    keeper.add(a);
    keeper.add(b);
    keeper.hold(a);
    keeper.close();
    expect([a.closed, b.closed]).toEqual([true, true]);
    const late = session();
    const token = keeper.add(late);
    expect(late.closed).toBe(true);
    expect(keeper.resume(token, { role: 'viewer' })).toBeUndefined();
  });
});
