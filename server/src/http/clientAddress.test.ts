import type { IncomingMessage } from 'node:http';
import { expect, it } from 'vitest';
import { clientAddressResolver } from './clientAddress';

it("reads a socket's client address through the proxies TRUST_PROXY names, as express's req.ip does", () => {
  // A viewer at 198.51.100.1, through a proxy at 10.0.0.2, then one on this host.
  const req = { socket: { remoteAddress: '127.0.0.1' }, connection: { remoteAddress: '127.0.0.1' }, headers: { 'x-forwarded-for': '198.51.100.1, 10.0.0.2' } } as unknown as IncomingMessage;
  expect(clientAddressResolver(false)(req)).toBe('127.0.0.1');
  expect(clientAddressResolver(1)(req)).toBe('10.0.0.2');
  expect(clientAddressResolver('loopback')(req)).toBe('10.0.0.2');
  expect(clientAddressResolver('loopback, 10.0.0.0/8')(req)).toBe('198.51.100.1');
  expect(clientAddressResolver(true)(req)).toBe('198.51.100.1');
});
