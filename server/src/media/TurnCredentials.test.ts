import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { mintTurnCredential, TurnCredentials } from './TurnCredentials';

describe('TURN credentials', () => {
  it("are coturn's TURN REST API pair: expiry:userId and base64 HMAC-SHA1 of it under the secret", () => {
    // The password computed independently (Python's hmac) for this secret and username.
    expect(mintTurnCredential('north-wind-secret-42', 'viewer-1a2b3c4d', 1767225600)).toEqual({
      username: '1767225600:viewer-1a2b3c4d',
      credential: '66jLcpS/WEXFAKZOXR7LdM4PAtE=',
    });
  });

  it('hand every client the configured URLs with a credential valid the configured hours', () => {
    const turn = TurnCredentials.fromConfig(
      loadConfig({ TURN_URLS: 'turn:turn.example.com:3478, turns:turn.example.com:443?transport=tcp', TURN_SECRET: 'north-wind-secret-42', TURN_CREDENTIAL_HOURS: '6' }),
    )!;
    const now = Date.UTC(2026, 11, 7, 12, 0, 0);
    const [server, ...more] = turn.iceServersFor('abc', now);
    expect(more).toEqual([]);
    expect(server!.urls).toEqual(['turn:turn.example.com:3478', 'turns:turn.example.com:443?transport=tcp']);
    expect(server!.username).toBe(`${now / 1000 + 6 * 3600}:abc`);
    expect(server).toMatchObject(mintTurnCredential('north-wind-secret-42', 'abc', now / 1000 + 6 * 3600));
    // Another client, or the same one later, gets another password.
    expect(turn.iceServersFor('abd', now)[0]!.credential).not.toBe(server!.credential);
    expect(turn.iceServersFor('abc', now + 1000)[0]!.credential).not.toBe(server!.credential);
  });

  it('are off by default, and need both settings', () => {
    expect(TurnCredentials.fromConfig(loadConfig({}))).toBeUndefined();
    expect(() => loadConfig({ TURN_URLS: 'turn:127.0.0.1:3478' })).toThrow(/TURN_SECRET: needed with TURN_URLS/);
    expect(() => loadConfig({ TURN_SECRET: 'north-wind-secret-42' })).toThrow(/TURN_URLS: needed with TURN_SECRET/);
  });

  it('refuse URLs that are not TURN and secrets too short to be one', () => {
    expect(() => loadConfig({ TURN_URLS: 'stun:127.0.0.1:3478', TURN_SECRET: 'north-wind-secret-42' })).toThrow(/TURN_URLS[.0-9]*="stun:127.0.0.1:3478": expected turn:/);
    expect(() => loadConfig({ TURN_URLS: 'turn:a b', TURN_SECRET: 'north-wind-secret-42' })).toThrow(/TURN_URLS/);
    expect(() => loadConfig({ TURN_URLS: 'turn:127.0.0.1', TURN_SECRET: 'short' })).toThrow(/TURN_SECRET=\(hidden\): use at least 16 characters/);
    expect(() => loadConfig({ TURN_URLS: 'turn:127.0.0.1', TURN_SECRET: 'short' })).not.toThrow(/short/);
    expect(() => loadConfig({ TURN_URLS: 'turn:127.0.0.1', TURN_SECRET: 'north-wind-secret-42', TURN_CREDENTIAL_HOURS: '0' })).toThrow(/TURN_CREDENTIAL_HOURS/);
    expect(loadConfig({ TURN_URLS: 'turn:[::1]:3478?transport=udp,turns:127.0.0.1:5349', TURN_SECRET: 'north-wind-secret-42' }).TURN_URLS).toEqual([
      'turn:[::1]:3478?transport=udp',
      'turns:127.0.0.1:5349',
    ]);
  });
});
