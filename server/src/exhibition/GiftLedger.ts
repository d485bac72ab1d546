import { randomBytes } from 'node:crypto';
import type { GiftVoucher, StandInfo } from '@hybrid-stage/shared';
import { AppError } from '../errors';
import type { Db } from '../persistence/Database';
import { StandStore } from './StandStore';

interface Row {
  code: string;
  claimed_at: number;
}

/** Letters and digits that cannot be mistaken for each other when read aloud or typed. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A voucher code such as "NOVA-7KQ2-M9XD". */
function voucherCode(standId: string): string {
  const bytes = randomBytes(8);
  const chars = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
  const prefix = standId.replace(/[^a-z0-9]/g, '').slice(0, 4).toUpperCase() || 'GIFT';
  return `${prefix}-${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/**
 * Gift vouchers: one per visitor and stand, never more than the stand's stock. A claim is one
 * transaction that takes turns with every other claim on the stand (SQLite's write lock, or a
 * PostgreSQL advisory lock on the stand, so several processes or nodes share one stock): look for
 * the visitor's voucher, count the vouchers handed out, insert. Claiming again returns the first voucher.
 */
export class GiftLedger {
  readonly #db: Db;
  readonly #stands: StandStore;

  constructor(db: Db, stands: StandStore) {
    this.#db = db;
    this.#stands = stands;
  }

  /**
   * The visitor's voucher from a stand, handed out now or found from before (`fresh` says which).
   * NOT_FOUND for a stand that does not exist, INVALID_STATE when none are left.
   */
  async claim(standId: string, visitorId: string): Promise<{ voucher: GiftVoucher; fresh: boolean }> {
    return this.#db.transaction(`gifts:${standId}`, async (tx) => {
      const stand = await new StandStore(tx).get(standId);
      const existing = await mine(tx, standId, visitorId);
      if (existing) return { voucher: voucher(stand, existing), fresh: false };
      // The stand was read in this transaction, under the stand's lock: its count of gifts left is current.
      if (stand.giftsLeft === 0) throw new AppError('INVALID_STATE', `the gifts of stand ${standId} are all given away`);
      const row = { code: voucherCode(standId), claimed_at: Date.now() };
      await tx.db.insertInto('stand_gifts').values({ stand_id: standId, visitor_id: visitorId, ...row }).execute();
      return { voucher: voucher(stand, row), fresh: true };
    });
  }

  /** The visitor's voucher from a stand if they claimed one, else undefined. NOT_FOUND for no such stand. */
  async find(standId: string, visitorId: string): Promise<GiftVoucher | undefined> {
    const stand = await this.#stands.get(standId);
    const row = await mine(this.#db, standId, visitorId);
    return row && voucher(stand, row);
  }
}

function mine(db: Db, standId: string, visitorId: string): Promise<Row | undefined> {
  return db.db.selectFrom('stand_gifts').select(['code', 'claimed_at']).where('stand_id', '=', standId).where('visitor_id', '=', visitorId).executeTakeFirst();
}

function voucher(stand: StandInfo, row: Row): GiftVoucher {
  const { gift } = stand;
  return { standId: stand.id, code: row.code, title: gift.title, description: gift.description, claimedAt: new Date(row.claimed_at).toISOString() };
}
