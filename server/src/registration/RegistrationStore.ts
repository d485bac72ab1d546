import { randomUUID } from 'node:crypto';
import type { NewRegistration, RegistrationInfo } from '@hybrid-stage/shared';
import type { Db, Tables } from '../persistence/Database';

type Row = Omit<Tables['viewer_registrations'], 'rowid'>;

/**
 * Viewers who registered, one row per email (case-folded). Registering again with the same email
 * keeps the first registration as it was (a second form cannot overwrite someone's details) and says so.
 */
export class RegistrationStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Stores a registration (committed when this resolves); `fresh` is false when the email had registered before. */
  async register(form: NewRegistration): Promise<{ registration: RegistrationInfo; fresh: boolean }> {
    const email = form.email.toLowerCase();
    // ON CONFLICT DO NOTHING RETURNING gives a row only when this call inserted it, in both engines
    // and whichever of two nodes registering the same email at once wins.
    const inserted = await this.#db.db
      .insertInto('viewer_registrations')
      .values({ id: randomUUID(), email, name: form.name, organisation: form.organisation, country: form.country, registered_at: Date.now() })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning(COLUMNS)
      .executeTakeFirst();
    if (inserted) return { registration: toInfo(inserted), fresh: true };
    const row = await this.#db.db.selectFrom('viewer_registrations').select(COLUMNS).where('email', '=', email).executeTakeFirstOrThrow();
    return { registration: toInfo(row), fresh: false };
  }

  /** Every registration, oldest first. */
  async list(): Promise<RegistrationInfo[]> {
    const rows = await this.#db.db.selectFrom('viewer_registrations').select(COLUMNS).orderBy('registered_at').orderBy('rowid').execute();
    return rows.map(toInfo);
  }

  /** How many viewers registered. */
  async count(): Promise<number> {
    const row = await this.#db.db.selectFrom('viewer_registrations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

const COLUMNS = ['id', 'email', 'name', 'organisation', 'country', 'registered_at'] as const;

function toInfo(row: Row): RegistrationInfo {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    organisation: row.organisation,
    country: row.country,
    registeredAt: new Date(row.registered_at).toISOString(),
  };
}
