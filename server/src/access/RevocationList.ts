import type { Revocations, RevokedLink, Role, RoleRevocation } from '@hybrid-stage/shared';
import type { Db } from '../persistence/Database';

/**
 * How old the copy in memory may be when a token is checked. Each check reads memory, not the
 * database (a token is checked on every HTTP call and socket connection); a revocation made on this
 * node applies at once, one made on another node of a cluster within this time.
 */
const REFRESH_MS = 2000;

/** What a token says about itself, as the revocation list needs it. */
export interface TokenIdentity {
  /** Its id; tokens minted before ids were added have none and can only be revoked by role. */
  jti?: string;
  role: Role;
  /** When it was minted, in ms. */
  issuedAtMs: number;
}

/**
 * Whether a link minted at `issuedAtMs` falls under a role's revocation at `revokedAtMs`: minted
 * until that millisecond, the millisecond itself included (a link made in the same millisecond as
 * the revocation, just before it, on a quick machine, is refused too).
 */
export function mintedBefore(issuedAtMs: number, revokedAtMs: number): boolean {
  return issuedAtMs <= revokedAtMs;
}

/**
 * The revocation list, in SQLite or PostgreSQL, so it survives a restart: links revoked one by one
 * (by their token id, kept until the link would have expired anyway) and roles whose links minted
 * before a time are refused ("revoke all links of this role"; new links of the role work).
 */
export class RevocationList {
  readonly #db: Db;
  #links = new Map<string, RevokedLink>();
  #roles = new Map<Role, number>();
  #loadedAt = 0;
  #loading: Promise<void> | undefined;

  private constructor(db: Db) {
    this.#db = db;
  }

  /** The list in `db`; entries of links that have expired since are dropped. */
  static async start(db: Db): Promise<RevocationList> {
    const list = new RevocationList(db);
    await db.db.deleteFrom('revoked_links').where('expires_at', '<', Date.now()).execute();
    await list.#load();
    return list;
  }

  /** Whether the token named by `token` has been revoked, alone or with its role (see mintedBefore). */
  async isRevoked(token: TokenIdentity): Promise<boolean> {
    if (Date.now() - this.#loadedAt > REFRESH_MS) await (this.#loading ??= this.#load().finally(() => (this.#loading = undefined)));
    if (token.jti && this.#links.has(token.jti)) return true;
    const before = this.#roles.get(token.role);
    return before !== undefined && mintedBefore(token.issuedAtMs, before);
  }

  /** Revokes one link (again: no change). */
  async revokeLink(link: Omit<RevokedLink, 'revokedAt'>, now = Date.now()): Promise<RevokedLink> {
    await this.#db.db
      .insertInto('revoked_links')
      .values({ jti: link.id, role: link.role, scope: link.scope, expires_at: Date.parse(link.expiresAt), revoked_at: now })
      .onConflict((oc) => oc.column('jti').doNothing())
      .execute();
    await this.#load();
    return this.#links.get(link.id)!;
  }

  /** Refuses every link of `role` minted until now; links minted afterwards work. */
  async revokeRole(role: Role, now = Date.now()): Promise<RoleRevocation> {
    await this.#db.db
      .insertInto('revoked_roles')
      .values({ role, issued_before: now })
      .onConflict((oc) => oc.column('role').doUpdateSet({ issued_before: now }))
      .execute();
    await this.#load();
    return { role, issuedBefore: new Date(now).toISOString() };
  }

  /** The list as the admin page shows it: newest revocations first. */
  async list(): Promise<Revocations> {
    await this.#load();
    return {
      links: [...this.#links.values()].sort((a, b) => b.revokedAt.localeCompare(a.revokedAt)),
      roles: [...this.#roles].map(([role, before]) => ({ role, issuedBefore: new Date(before).toISOString() })),
    };
  }

  async #load(): Promise<void> {
    const { db } = this.#db;
    const links = await db.selectFrom('revoked_links').selectAll().execute();
    const roles = await db.selectFrom('revoked_roles').selectAll().execute();
    this.#links = new Map(
      links.map((r) => [
        r.jti,
        { id: r.jti, role: r.role as Role, scope: r.scope, expiresAt: new Date(Number(r.expires_at)).toISOString(), revokedAt: new Date(Number(r.revoked_at)).toISOString() },
      ]),
    );
    this.#roles = new Map(roles.map((r) => [r.role as Role, Number(r.issued_before)]));
    this.#loadedAt = Date.now();
  }
}
