// Where viewers' media sessions go, without mediasoup: the WorkerPool's choice on its own.
import { describe, expect, it } from 'vitest';
import { ClientPlacement, leastLoadedWorker } from './placement';

/** Stands for a MediaWorker: its pool index and whether its process is alive. */
interface FakeWorker {
  index: number;
  live: boolean;
}

const pool = (n: number): FakeWorker[] => Array.from({ length: n }, (_, index) => ({ index, live: true }));
const isLive = (w: FakeWorker) => w.live;

describe('leastLoadedWorker', () => {
  it('picks the live worker with the fewest clients', () => {
    const workers = pool(3);
    const load = new Map([[workers[0]!, 4], [workers[1]!, 1], [workers[2]!, 2]]);
    expect(leastLoadedWorker(workers, isLive, (w) => load.get(w)!)?.index).toBe(1);
  });

  it('breaks a tie by pool order, so the ingest worker (index 0) takes the first client', () => {
    const workers = pool(3);
    expect(leastLoadedWorker(workers, isLive, () => 0)?.index).toBe(0);
    const load = new Map([[workers[0]!, 3], [workers[1]!, 2], [workers[2]!, 2]]);
    expect(leastLoadedWorker(workers, isLive, (w) => load.get(w)!)?.index).toBe(1);
  });

  it('skips dead workers however empty they are, and has no answer when none is live', () => {
    const workers = pool(2);
    workers[0]!.live = false;
    const load = new Map([[workers[0]!, 0], [workers[1]!, 50]]);
    expect(leastLoadedWorker(workers, isLive, (w) => load.get(w)!)?.index).toBe(1);
    workers[1]!.live = false;
    expect(leastLoadedWorker(workers, isLive, (w) => load.get(w)!)).toBeUndefined();
    expect(leastLoadedWorker([], isLive, () => 0)).toBeUndefined();
  });
});

describe('ClientPlacement', () => {
  it('spreads a join storm evenly, counting each client as it is placed', () => {
    const workers = pool(3);
    const placement = new ClientPlacement<FakeWorker>();
    const placed = Array.from({ length: 10 }, () => placement.place(workers, isLive)!.index);
    expect(placed).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
    expect(workers.map((w) => placement.clientsOn(w))).toEqual([4, 3, 3]);
  });

  it('gives a released place to the next client', () => {
    const workers = pool(2);
    const placement = new ClientPlacement<FakeWorker>();
    for (let i = 0; i < 4; i++) placement.place(workers, isLive);
    placement.release(workers[1]!);
    expect(placement.clientsOn(workers[1]!)).toBe(1);
    expect(placement.place(workers, isLive)?.index).toBe(1);
  });

  it('never counts below zero when a client is released twice', () => {
    const workers = pool(2);
    const placement = new ClientPlacement<FakeWorker>();
    placement.place(workers, isLive);
    placement.release(workers[0]!);
    placement.release(workers[0]!);
    expect(placement.clientsOn(workers[0]!)).toBe(0);
    placement.place(workers, isLive);
    placement.place(workers, isLive);
    expect(workers.map((w) => placement.clientsOn(w))).toEqual([1, 1]);
  });

  it('puts no client on a dead worker while it waits for its replacement, and none at all when every worker is down', () => {
    const workers = pool(2);
    const placement = new ClientPlacement<FakeWorker>();
    workers[0]!.live = false;
    expect([1, 2, 3].map(() => placement.place(workers, isLive)?.index)).toEqual([1, 1, 1]);
    workers[1]!.live = false;
    expect(placement.place(workers, isLive)).toBeUndefined();
    expect(placement.clientsOn(workers[1]!)).toBe(3);
  });

  it('starts a replaced worker empty, and the old worker\'s late releases change nothing', () => {
    const workers = pool(2);
    const placement = new ClientPlacement<FakeWorker>();
    for (let i = 0; i < 6; i++) placement.place(workers, isLive); // 3 + 3
    const dead = workers[0]!;
    dead.live = false;
    const replacement = { index: 0, live: true };
    placement.forget(dead);
    workers[0] = replacement;
    // Its clients leave afterwards (they start new media sessions elsewhere).
    for (let i = 0; i < 3; i++) placement.release(dead);
    expect(placement.clientsOn(dead)).toBe(0);
    expect(workers.map((w) => placement.clientsOn(w))).toEqual([0, 3]);
    // New clients go to the empty replacement until it has as many; a tie goes to pool order.
    expect([1, 2, 3, 4].map(() => placement.place(workers, isLive)?.index)).toEqual([0, 0, 0, 0]);
    expect(workers.map((w) => placement.clientsOn(w))).toEqual([4, 3]);
  });
});
