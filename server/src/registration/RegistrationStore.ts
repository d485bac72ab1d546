import { randomUUID } from 'node:crypto';
import type { NewRegistration, RegistrationInfo } from '@hybrid-stage/shared';
import type { Db } from '../persistence/Database';

interface Row {
  id: string;
  email: string;
  name: string;
  organisation: string;
  country: string;
  registered_at: number;
}

/**
 * Viewers who registered, in SQLite, one row per email. Registering again with the same email keeps
 * the first registration as it was (a second form cannot overwrite someone's details) and says so.
 */
export class RegistrationStore {
  readonly #insert;
  readonly #byEmail;
  readonly #all;
  readonly #count;

  constructor(db: Db) {
    this.#insert = db.prepare(
      'INSERT INTO viewer_registrations (id, email, name, organisation, country, registered_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING',
    );
    this.#byEmail = db.prepare<[string], Row>('SELECT * FROM viewer_registrations WHERE email = ?');
    this.#all = db.prepare<[], Row>('SELECT * FROM viewer_registrations ORDER BY registered_at, rowid');
    this.#count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM viewer_registrations');
  }

  /** Stores a registration (committed when this returns); `fresh` is false when the email had registered before. */
  register(form: NewRegistration): { registration: RegistrationInfo; fresh: boolean } {
    const email = form.email.toLowerCase();
    const { changes } = this.#insert.run(randomUUID(), email, form.name, form.organisation, form.country, Date.now());
    return { registration: toInfo(this.#byEmail.get(email)!), fresh: changes === 1 };
  }

  /** Every registration, oldest first. */
  list(): RegistrationInfo[] {
    return this.#all.all().map(toInfo);
  }

  /** How many viewers registered. */
  count(): number {
    return this.#count.get()!.n;
  }
}

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
