import { describe, expect, it, vi } from 'vitest';
import { RateLimiter } from './RateLimiter';

describe('RateLimiter', () => {
  it('allows a burst, refuses past it, and refills over time', () => {
    vi.useFakeTimers();
    try {
      const limiter = new RateLimiter(10, 5);
      const taken = Array.from({ length: 8 }, () => limiter.take());
      expect(taken.filter(Boolean)).toHaveLength(5);
      vi.advanceTimersByTime(300);
      expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()].filter(Boolean)).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
