import { describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { workerCpu } from './workerCpu';

/** A stand-in for the one call workerCpu makes, counting how often it is asked. */
function fakeWorker(answer: () => Promise<{ ru_utime: number; ru_stime: number }>) {
  const asked = { count: 0 };
  const worker = { getResourceUsage: () => (asked.count++, answer()) } as unknown as types.Worker;
  return { worker, asked };
}

describe('workerCpu', () => {
  it('asks the worker at most once a second however often it is read', async () => {
    const { worker, asked } = fakeWorker(async () => ({ ru_utime: 120, ru_stime: 30 }));
    const cpu = workerCpu(worker);
    expect(await cpu.read()).toBe(150);
    expect(await cpu.read()).toBe(150);
    expect(asked.count).toBe(1);
  });

  it('gives the last figure when the worker does not answer or fails', async () => {
    let hang = false;
    const { worker } = fakeWorker(() => (hang ? new Promise(() => undefined) : Promise.resolve({ ru_utime: 40, ru_stime: 2 })));
    const cpu = workerCpu(worker);
    expect(await cpu.read()).toBe(42);
    hang = true;
    await new Promise((r) => setTimeout(r, 1050)); // past the cache
    expect(await cpu.read()).toBe(42); // without the bound, this read would never resolve
    const failing = workerCpu(fakeWorker(() => Promise.reject(new Error('worker died'))).worker);
    expect(await failing.read()).toBe(0);
  });
});
