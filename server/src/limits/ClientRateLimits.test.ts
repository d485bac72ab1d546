import { expect, it, vi } from 'vitest';
import { ClientRateLimits, clientOf, sameClient } from './ClientRateLimits';

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

it('counts an IPv6 address by its /64, so one host cannot draw on 2^64 buckets', () => {
  expect(clientOf('2001:db8:aa:1::1')).toBe('2001:db8:aa:1::/64');
  expect(clientOf('2001:0db8:00aa:0001:ffff:1:2:3')).toBe('2001:db8:aa:1::/64');
  expect(clientOf('2001:db8::7')).toBe('2001:db8:0:0::/64');
  expect(clientOf('::1')).toBe('0:0:0:0::/64');
  expect(clientOf('203.0.113.9')).toBe('203.0.113.9');
  expect(clientOf('::ffff:203.0.113.9')).toBe('::ffff:203.0.113.9');
  const limits = new ClientRateLimits(2);
  expect([limits.take('2001:db8:aa:1::1'), limits.take('2001:db8:aa:1::2'), limits.take('2001:db8:aa:1:ffff::9')]).toEqual([true, true, false]);
  expect(limits.take('2001:db8:aa:2::1')).toBe(true);
});

it('takes an IPv4 address written as IPv4-mapped IPv6 for the same client, and an IPv6 /64 for one', () => {
  expect(sameClient('::ffff:203.0.113.9', '203.0.113.9')).toBe(true);
  expect(sameClient('::FFFF:203.0.113.9', '203.0.113.10')).toBe(false);
  expect(sameClient('2001:db8:aa:1::1', '2001:db8:aa:1:ffff::9')).toBe(true);
  expect(sameClient('2001:db8:aa:1::1', '2001:db8:aa:2::1')).toBe(false);
  expect(sameClient('203.0.113.9', '2001:db8:aa:1::1')).toBe(false);
});
