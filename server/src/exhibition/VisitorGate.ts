import type { AccessTokens } from '../access/AccessTokens';
import { AppError } from '../errors';
import { ClientRateLimits } from '../limits/ClientRateLimits';

/** What a visitor does that costs the server a write (and, for gifts, a stand a voucher). */
export type VisitorAction = 'comment' | 'gift' | 'visit';

/** Per-address allowances, per minute (settings: VISITOR_IDS_PER_MINUTE and the like). */
export interface VisitorLimits {
  /** New visitor ids one address is given. */
  visitorIds: number;
  comments: number;
  /** Gift claims (a repeated claim of a voucher already held counts too: it is a request all the same). */
  gifts: number;
  /** Stand visits (`stand:join`). */
  visits: number;
}

/**
 * Per visitor, per minute: what one person at one browser plausibly does. Fixed, where the
 * per-address allowances are settings, since an address may be a whole venue behind one NAT while
 * a visitor id is one browser. A client that mints ids to escape these still meets its address's.
 */
export const PER_VISITOR_PER_MINUTE: Record<VisitorAction, number> = {
  comment: 5,
  // Every stand of the demo hall in one minute.
  gift: 24,
  visit: 60,
};

const ACTION_TEXT: Record<VisitorAction, string> = { comment: 'comments', gift: 'gift claims', visit: 'stand visits' };

/**
 * Who may act in the exhibition: visitor ids only as this server issued them (signed, so a client
 * cannot make up ids to drain a stand's vouchers or inflate its analytics), and the actions that
 * write (comments, gift claims, stand visits) within a token bucket per address (IPv6 by its /64,
 * the real viewer's behind TRUST_PROXY) and one per visitor.
 *
 * The buckets are per node: in a cluster a flood spread over N nodes gets N allowances. That bounds
 * it all the same (to N times what one node takes), and a shared store would need a Redis round trip
 * on each of these requests and a fixed window instead of the bucket (see RateLimiter); the
 * vouchers themselves are counted in the shared database, so no node gives more than a stand has.
 */
export class VisitorGate {
  readonly #access: AccessTokens;
  readonly #issue: ClientRateLimits;
  readonly #byAddress: Record<VisitorAction, ClientRateLimits>;
  readonly #byVisitor: Record<VisitorAction, ClientRateLimits>;

  constructor(access: AccessTokens, limits: VisitorLimits) {
    this.#access = access;
    this.#issue = new ClientRateLimits(limits.visitorIds);
    this.#byAddress = { comment: new ClientRateLimits(limits.comments), gift: new ClientRateLimits(limits.gifts), visit: new ClientRateLimits(limits.visits) };
    this.#byVisitor = {
      comment: new ClientRateLimits(PER_VISITOR_PER_MINUTE.comment),
      gift: new ClientRateLimits(PER_VISITOR_PER_MINUTE.gift),
      visit: new ClientRateLimits(PER_VISITOR_PER_MINUTE.visit),
    };
  }

  /** A new visitor id for a browser at `address`; RATE_LIMITED past the address's allowance. */
  issue(address: string): string {
    if (!this.#issue.take(address)) throw new AppError('RATE_LIMITED', 'too many new visitors from this address; try again in a minute');
    return this.#access.issueVisitorId();
  }

  /** `visitorId` as this server issued it; INVALID_VISITOR for one it did not (made up, or signed under another key). */
  verify(visitorId: string): string {
    if (!this.#access.isIssuedVisitorId(visitorId)) throw new AppError('INVALID_VISITOR', 'this visitor id was not issued by this server; ask for a new one (POST /api/visitors)');
    return visitorId;
  }

  /** Checks `visitorId` and takes one `action` from its bucket and its address's; RATE_LIMITED when either is empty. */
  admit(action: VisitorAction, address: string, visitorId: string): string {
    this.verify(visitorId);
    // The visitor's bucket first: a visitor over its own allowance does not spend its neighbours'.
    if (!this.#byVisitor[action].take(visitorId) || !this.#byAddress[action].take(address)) {
      throw new AppError('RATE_LIMITED', `too many ${ACTION_TEXT[action]}; try again in a minute`);
    }
    return visitorId;
  }
}
