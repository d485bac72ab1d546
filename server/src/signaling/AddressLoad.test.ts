import { describe, expect, it } from 'vitest';
import { AddressLoad } from './AddressLoad';

describe('AddressLoad', () => {
  it.each<[string, [string, string, string], string]>([
    ['an IPv4 address', ['203.0.113.1', '203.0.113.1', '203.0.113.1'], '203.0.113.2'],
    ['an IPv6 address, by its /64', ['2001:db8:1:2::1', '2001:db8:1:2:aaaa::ffff', '2001:db8:1:2::99'], '2001:db8:1:3::1'],
  ])('caps the sockets %s holds open, and takes one again once one closes', (_what, [first, second, third], neighbour) => {
    const load = new AddressLoad({ sockets: 2, consumers: 10 });
    expect(load.openSocket(first)).toBe(true);
    expect(load.openSocket(second)).toBe(true);
    expect(load.openSocket(third)).toBe(false);
    expect(load.openSocket(neighbour)).toBe(true);
    load.closeSocket(first);
    expect(load.openSocket(third)).toBe(true);
  });

  it("shares one consumer cap between the address's sessions", () => {
    const load = new AddressLoad({ sockets: 10, consumers: 3 });
    const a = load.consumerBudget('198.51.100.7');
    const b = load.consumerBudget('198.51.100.7');
    expect([a.take(), a.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    a.release();
    expect(b.take()).toBe(true);
    expect(load.consumerBudget('198.51.100.8').take()).toBe(true);
  });
});
