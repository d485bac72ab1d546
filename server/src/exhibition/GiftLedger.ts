import { randomBytes } from 'node:crypto';
import type { GiftVoucher } from '@hybrid-stage/shared';
import { AppError } from '../errors';
import type { Db } from '../persistence/Database';
import type { StandStore } from './StandStore';

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
 * SQLite transaction taken with a write lock (BEGIN IMMEDIATE): look for the visitor's voucher,
 * count the vouchers handed out, insert. Claiming again returns the first voucher.
 */
export class GiftLedger {
  readonly #stands: StandStore;
  readonly #claim;
  readonly #mine;

  constructor(db: Db, stands: StandStore) {
    this.#stands = stands;
    const mine = db.prepare<[string, string], Row>('SELECT code, claimed_at FROM stand_gifts WHERE stand_id = ? AND visitor_id = ?');
    this.#mine = mine;
    const count = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM stand_gifts WHERE stand_id = ?');
    const insert = db.prepare('INSERT INTO stand_gifts (stand_id, visitor_id, code, claimed_at) VALUES (?, ?, ?, ?)');
    const claim = db.transaction((standId: string, visitorId: string): { row: Row; fresh: boolean } => {
      const stand = this.#stands.get(standId);
      const existing = mine.get(standId, visitorId);
      if (existing) return { row: existing, fresh: false };
      if (count.get(standId)!.n >= stand.gift.stock) throw new AppError('INVALID_STATE', `the gifts of stand ${standId} are all given away`);
      const row = { code: voucherCode(standId), claimed_at: Date.now() };
      insert.run(standId, visitorId, row.code, row.claimed_at);
      return { row, fresh: true };
    });
    this.#claim = (standId: string, visitorId: string) => claim.immediate(standId, visitorId);
  }

  /**
   * The visitor's voucher from a stand, handed out now or found from before (`fresh` says which).
   * NOT_FOUND for a stand that does not exist, INVALID_STATE when none are left.
   */
  claim(standId: string, visitorId: string): { voucher: GiftVoucher; fresh: boolean } {
    const { row, fresh } = this.#claim(standId, visitorId);
    return { voucher: this.#voucher(standId, row), fresh };
  }

  /** The visitor's voucher from a stand if they claimed one, else undefined. NOT_FOUND for no such stand. */
  find(standId: string, visitorId: string): GiftVoucher | undefined {
    this.#stands.get(standId);
    const row = this.#mine.get(standId, visitorId);
    return row && this.#voucher(standId, row);
  }

  #voucher(standId: string, row: Row): GiftVoucher {
    const { gift } = this.#stands.get(standId);
    return { standId, code: row.code, title: gift.title, description: gift.description, claimedAt: new Date(row.claimed_at).toISOString() };
  }
}
