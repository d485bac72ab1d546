import { expect, it, vi } from 'vitest';
import { ClientRateLimits } from './ClientRateLimits';

it('gives each client address its own bucket of requests per minute', () => {
  vi.useFakeTimers();
  try {
    const limits = new ClientRateLimits(3);
    expect([1, 2, 3, 4].map(() => limits.take('192.0.2.1'))).toEqual([true, true, true, false]);
    expect(limits.take('192.0.2.2')).toBe(true);
    vi.advanceTimersByTime(20_000);
    expect([limits.take('192.0.2.1'), limits.take('192.0.2.1')]).toEqual([true, false]);
  } finally {
    vi.useRealTimers();
  }
});
