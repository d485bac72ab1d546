import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, jwtVerify } from 'jose';
import { Role, type Grant, type RevokedLink } from '@hybrid-stage/shared';
import { AppError } from '../errors';
import type { TokenIdentity } from './RevocationList';

/** What tells whether a token was revoked (the RevocationList; none in the CLI, which only mints). */
export interface RevocationCheck {
  isRevoked(token: TokenIdentity): Promise<boolean>;
}

/**
 * A short key naming `token` (a hash of it), the same for the same link however and wherever it is
 * used (HTTP, a socket): the key of allowances per token.
 */
export function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 22);
}

const ISSUER = 'hybrid-stage';
const ALGORITHM = 'HS256';

/** How long a minted invite link works unless told otherwise. */
export const DEFAULT_TOKEN_LIFETIME = '30d';

/**
 * Signed access tokens (JWT, HS256): a role and its scope, with an expiry. The signing key is made
 * once and kept in the data directory, so invite links survive restarts.
 */
export class AccessTokens {
  readonly #key: Uint8Array;
  #revocations: RevocationCheck | undefined;

  constructor(key: Uint8Array) {
    this.#key = key;
  }

  /** The configured key (ACCESS_TOKEN_KEY, base64) when there is one, else the one kept in `DATA_DIR`. */
  static fromConfig({ ACCESS_TOKEN_KEY, DATA_DIR }: { ACCESS_TOKEN_KEY?: string | undefined; DATA_DIR: string }): AccessTokens {
    return ACCESS_TOKEN_KEY ? new AccessTokens(Buffer.from(ACCESS_TOKEN_KEY, 'base64')) : AccessTokens.inDataDir(DATA_DIR);
  }

  /** Loads the signing key from `dataDir`, creating it on first use. */
  static inDataDir(dataDir: string): AccessTokens {
    const path = join(dataDir, 'access-token.key');
    if (!existsSync(path)) {
      writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600 });
      chmodSync(path, 0o600);
    }
    return new AccessTokens(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64'));
  }

  /** From now on, tokens the revocation list names are refused (UNAUTHORIZED). */
  useRevocations(revocations: RevocationCheck): void {
    this.#revocations = revocations;
  }

  /** A token for `grant`, valid for `lifetime` (a jose time span such as "30d" or "2h"). */
  mint(grant: Grant, lifetime: string = DEFAULT_TOKEN_LIFETIME): Promise<string> {
    // iatMs: when, to the millisecond, so "revoke all links of this role" spares a link made in the
    // same second just after it (iat counts whole seconds).
    const claims: Record<string, unknown> = { role: grant.role, iatMs: Date.now() };
    if (grant.studioId) claims.studioId = grant.studioId;
    if (grant.channelId) claims.channelId = grant.channelId;
    if (grant.languages) claims.languages = grant.languages;
    if (grant.standId) claims.standId = grant.standId;
    // An id per link (jti), so one link can be named (in a log, a future revocation list) apart from
    // another of the same role.
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALGORITHM })
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(lifetime)
      .sign(this.#key);
  }

  /** The grant a token carries; UNAUTHORIZED when it is forged, malformed, expired or revoked. */
  async verify(token: string): Promise<Grant> {
    return (await this.verifyIdentity(token)).grant;
  }

  /** {@link verify}, with what names the token (for ending a connection made with it when it is revoked). */
  async verifyIdentity(token: string): Promise<{ grant: Grant; identity: TokenIdentity }> {
    const { grant, identity } = await this.#read(token);
    if (await this.#revocations?.isRevoked(identity)) throw new AppError('UNAUTHORIZED', 'this link has been revoked; ask for a new one');
    return { grant, identity };
  }

  /**
   * What the revocation list keeps of a link this server signed (its id, role, scope, expiry);
   * UNAUTHORIZED for one it did not sign or that has expired (it needs no revoking), INVALID_STATE
   * for one minted before links had ids (only its role can be revoked).
   */
  async describe(token: string): Promise<Omit<RevokedLink, 'revokedAt'>> {
    const { grant, identity, expiresAt } = await this.#read(token);
    if (!identity.jti) throw new AppError('INVALID_STATE', 'this link was made before links had ids: revoke all links of its role instead');
    const scope = grant.studioId ?? grant.standId ?? (grant.channelId ? `${grant.channelId} ${(grant.languages ?? []).join(', ')}`.trim() : '');
    return { id: identity.jti, role: grant.role, scope, expiresAt: new Date(expiresAt).toISOString() };
  }

  async #read(token: string): Promise<{ grant: Grant; identity: TokenIdentity; expiresAt: number }> {
    let payload;
    try {
      // A token without an expiry would work for ever: none is minted so, and none is taken.
      ({ payload } = await jwtVerify(token, this.#key, { issuer: ISSUER, algorithms: [ALGORITHM], requiredClaims: ['exp'] }));
    } catch (error) {
      const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw new AppError('UNAUTHORIZED', expired ? 'this link has expired; ask for a new one' : 'this link is not valid');
    }
    const role = Role.safeParse(payload.role);
    if (!role.success) throw new AppError('UNAUTHORIZED', 'this link is not valid');
    const grant: Grant = { role: role.data };
    if (typeof payload.studioId === 'string') grant.studioId = payload.studioId;
    if (typeof payload.channelId === 'string') grant.channelId = payload.channelId;
    if (typeof payload.standId === 'string') grant.standId = payload.standId;
    if (Array.isArray(payload.languages) && payload.languages.every((l) => typeof l === 'string')) grant.languages = payload.languages as string[];
    const issuedAtMs = typeof payload.iatMs === 'number' ? payload.iatMs : (payload.iat ?? 0) * 1000;
    return { grant, identity: { jti: payload.jti, role: role.data, issuedAtMs }, expiresAt: payload.exp! * 1000 };
  }

  /**
   * `path` with a signature that lets whoever holds the URL fetch it for `lifetimeMs`: for files a
   * page loads through `<video>` and `<track>`, which cannot send a token.
   */
  signPath(path: string, lifetimeMs: number, now = Date.now()): string {
    const expires = now + lifetimeMs;
    return `${path}?expires=${expires}&signature=${this.#pathSignature(path, expires)}`;
  }

  /** Whether `expires` and `signature` (from the query) were made by {@link signPath} for `path` and have not run out. */
  verifyPath(path: string, expires: unknown, signature: unknown, now = Date.now()): boolean {
    if (typeof expires !== 'string' || typeof signature !== 'string' || !/^\d{1,15}$/.test(expires) || Number(expires) < now) return false;
    const expected = Buffer.from(this.#pathSignature(path, Number(expires)));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /**
   * A new exhibition visitor id, signed with this server's key, so a client cannot make up ids (to
   * claim a stand's vouchers again and again, or count as a thousand visitors): 12 random bytes and
   * a 128-bit HMAC, both base64url (see ISSUED_VISITOR_ID).
   */
  issueVisitorId(): string {
    const random = randomBytes(12).toString('base64url');
    return `${random}.${this.#visitorSignature(random)}`;
  }

  /** Whether `id` was made by {@link issueVisitorId} under this key. */
  isIssuedVisitorId(id: string): boolean {
    const dot = id.indexOf('.');
    if (dot !== 16 || id.length !== 39) return false;
    const expected = Buffer.from(this.#visitorSignature(id.slice(0, dot)));
    const given = Buffer.from(id.slice(dot + 1));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  #visitorSignature(random: string): string {
    // Its own label, so no visitor id is ever a path signature or the other way round.
    return createHmac('sha256', this.#key).update(`visitor ${random}`).digest().subarray(0, 16).toString('base64url');
  }

  #pathSignature(path: string, expires: number): string {
    return createHmac('sha256', this.#key).update(`path ${path} ${expires}`).digest('base64url');
  }
}
