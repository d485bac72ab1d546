import { describe, expect, it } from 'vitest';
import { StartupError } from '../errors';
import { relayAddress } from './ProgramRelay';

describe('relayAddress', () => {
  it('is ANNOUNCED_IP unless RELAY_ADDRESS is set; an IP is taken as is, a host name looked up once', async () => {
    expect(await relayAddress({ ANNOUNCED_IP: '203.0.113.7' })).toBe('203.0.113.7');
    expect(await relayAddress({ RELAY_ADDRESS: '10.1.2.3', ANNOUNCED_IP: '203.0.113.7' })).toBe('10.1.2.3');
    expect(await relayAddress({ RELAY_ADDRESS: 'localhost', ANNOUNCED_IP: '203.0.113.7' })).toMatch(/^(127\.0\.0\.1|::1)$/);
  });

  it('stops the start with a message naming a host name that does not resolve', async () => {
    const failing = relayAddress({ RELAY_ADDRESS: 'no-such-node.invalid', ANNOUNCED_IP: '203.0.113.7' });
    await expect(failing).rejects.toBeInstanceOf(StartupError);
    await expect(failing).rejects.toThrow(/RELAY_ADDRESS=no-such-node.invalid: the host name does not resolve/);
  });
});
