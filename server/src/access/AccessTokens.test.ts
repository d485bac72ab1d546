import { randomBytes } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { ISSUED_VISITOR_ID } from '@hybrid-stage/shared';
import { AccessTokens } from './AccessTokens';

describe('signed paths', () => {
  const tokens = new AccessTokens(randomBytes(32));
  const now = 1_800_000_000_000;
  const parts = (url: string) => Object.fromEntries(new URL(url, 'http://x').searchParams) as { expires: string; signature: string };

  it('lets a signed path through until it expires', () => {
    const { expires, signature } = parts(tokens.signPath('/api/films/files/a.webm', 60_000, now));
    expect(tokens.verifyPath('/api/films/files/a.webm', expires, signature, now + 59_000)).toBe(true);
    expect(tokens.verifyPath('/api/films/files/a.webm', expires, signature, now + 61_000)).toBe(false);
  });

  it('refuses another path, another expiry, another key and malformed values', () => {
    const { expires, signature } = parts(tokens.signPath('/api/films/files/a.webm', 60_000, now));
    expect(tokens.verifyPath('/api/films/files/b.webm', expires, signature, now)).toBe(false);
    expect(tokens.verifyPath('/api/films/files/a.webm', String(Number(expires) + 1), signature, now)).toBe(false);
    expect(new AccessTokens(randomBytes(32)).verifyPath('/api/films/files/a.webm', expires, signature, now)).toBe(false);
    expect(tokens.verifyPath('/api/films/files/a.webm', undefined, signature, now)).toBe(false);
    expect(tokens.verifyPath('/api/films/files/a.webm', expires, ['x'], now)).toBe(false);
    expect(tokens.verifyPath('/api/films/files/a.webm', '1e99', signature, now)).toBe(false);
  });
});

describe('visitor ids', () => {
  const tokens = new AccessTokens(randomBytes(32));

  it('issues ids of the shared shape that only this key accepts', () => {
    const id = tokens.issueVisitorId();
    expect(id).toMatch(ISSUED_VISITOR_ID);
    expect(tokens.isIssuedVisitorId(id)).toBe(true);
    expect(tokens.issueVisitorId()).not.toBe(id);
    expect(new AccessTokens(randomBytes(32)).isIssuedVisitorId(id)).toBe(false);
  });

  it('refuses made-up, altered and malformed ids', () => {
    const id = tokens.issueVisitorId();
    const [random, signature] = id.split('.') as [string, string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    expect(tokens.isIssuedVisitorId(`${flip(random)}.${signature}`)).toBe(false);
    expect(tokens.isIssuedVisitorId(`${random}.${flip(signature)}`)).toBe(false);
    for (const bad of ['visitor-0001', '', `${random}.`, `${random}${signature}`, `${id}x`, `${random}.${signature.slice(1)}`]) expect(tokens.isIssuedVisitorId(bad), bad).toBe(false);
  });
});

describe('access tokens', () => {
  const key = randomBytes(32);
  const tokens = new AccessTokens(key);

  it('gives every link an id of its own and an expiry', async () => {
    const [a, b] = [await tokens.mint({ role: 'producer' }), await tokens.mint({ role: 'producer' })];
    const [claimsA, claimsB] = [decodeJwt(a), decodeJwt(b)];
    expect(claimsA.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claimsA.jti).not.toBe(claimsB.jti);
    expect(claimsA.exp).toBeGreaterThan(Date.now() / 1000);
    expect(await tokens.verify(a)).toEqual({ role: 'producer' });
  });

  it('refuses a token without an expiry, even one signed with the key', async () => {
    const forever = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('hybrid-stage').setIssuedAt().sign(key);
    await expect(tokens.verify(forever)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('the signing key', () => {
  it('is ACCESS_TOKEN_KEY when set, so nodes given the same key accept each other\'s links and keep no key file', async () => {
    const ACCESS_TOKEN_KEY = randomBytes(32).toString('base64');
    // A DATA_DIR that does not exist: reading or making a key file there would throw.
    const DATA_DIR = '/nonexistent/hybrid-stage-data';
    const link = await AccessTokens.fromConfig({ ACCESS_TOKEN_KEY, DATA_DIR }).mint({ role: 'producer' });
    expect((await AccessTokens.fromConfig({ ACCESS_TOKEN_KEY, DATA_DIR }).verify(link)).role).toBe('producer');
    const other = AccessTokens.fromConfig({ ACCESS_TOKEN_KEY: randomBytes(32).toString('base64'), DATA_DIR });
    await expect(other.verify(link)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
