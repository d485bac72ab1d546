import { describe, expect, it } from 'vitest';
import { AddressLoad } from './AddressLoad';

describe('AddressLoad', () => {
  it('caps the sockets an address holds open, and takes one again once one closes', () => {
    const load = new AddressLoad({ sockets: 2, consumers: 10 });
    expect(load.openSocket('203.0.113.1')).toBe(true);
    expect(load.openSocket('203.0.113.1')).toBe(true);
    expect(load.openSocket('203.0.113.1')).toBe(false);
    expect(load.openSocket('203.0.113.2')).toBe(true);
    load.closeSocket('203.0.113.1');
    expect(load.openSocket('203.0.113.1')).toBe(true);
  });

  it('counts an IPv6 address by its /64', () => {
    const load = new AddressLoad({ sockets: 2, consumers: 10 });
    expect(load.openSocket('2001:db8:1:2::1')).toBe(true);
    expect(load.openSocket('2001:db8:1:2:aaaa::ffff')).toBe(true);
    expect(load.openSocket('2001:db8:1:2::99')).toBe(false);
    expect(load.openSocket('2001:db8:1:3::1')).toBe(true);
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
