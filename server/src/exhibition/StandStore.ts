import { StandContent, type NewStand, type StandInfo, type StandPlacement } from '@hybrid-stage/shared';
import { AppError, NotFoundError } from '../errors';
import type { Db, Tables } from '../persistence/Database';

type Row = Tables['stands'] & { gifts_claimed: number };

/** Stands, in SQLite or PostgreSQL: content as one validated JSON document, placement in the hall, vouchers left. */
export class StandStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  #select() {
    return this.#db.db
      .selectFrom('stands as s')
      .selectAll('s')
      .select((eb) =>
        eb
          .selectFrom('stand_gifts as g')
          .select((g) => g.fn.countAll<number>().as('n'))
          .whereRef('g.stand_id', '=', 's.id')
          .as('gifts_claimed'),
      );
  }

  /** Every stand, in the order they were added. */
  async list(): Promise<StandInfo[]> {
    const rows = await this.#select().orderBy('s.created_at').orderBy('s.id').execute();
    return rows.map((row) => toStand(row as Row));
  }

  /** One stand; NOT_FOUND when there is none. */
  async get(id: string): Promise<StandInfo> {
    const row = await this.#select().where('s.id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('stand', id);
    return toStand(row as Row);
  }

  /** Whether a stand exists. */
  async has(id: string): Promise<boolean> {
    return (await this.#db.db.selectFrom('stands').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  /** Adds a stand; INVALID_STATE when the id is taken. */
  async add(stand: NewStand): Promise<StandInfo> {
    const now = Date.now();
    const inserted = await this.#db.db
      .insertInto('stands')
      .values({ id: stand.id, content: JSON.stringify(stand.content), ...stand.placement, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw new AppError('INVALID_STATE', `stand ${stand.id} exists already`);
    return this.get(stand.id);
  }

  /** Adds many stands in one transaction (the demo's seed). */
  async addAll(stands: readonly NewStand[]): Promise<void> {
    await this.#db.transaction('stands', async (tx) => {
      const store = new StandStore(tx);
      for (const stand of stands) await store.add(stand);
    });
  }

  /** Replaces a stand's content; NOT_FOUND when there is no such stand. */
  async updateContent(id: string, content: StandContent): Promise<StandInfo> {
    const { numUpdatedRows } = await this.#db.db
      .updateTable('stands')
      .set({ content: JSON.stringify(content), updated_at: Date.now() })
      .where('id', '=', id)
      .executeTakeFirst();
    if (numUpdatedRows === 0n) throw new NotFoundError('stand', id);
    return this.get(id);
  }

  /** Moves a stand in the hall; NOT_FOUND when there is no such stand. */
  async place(id: string, placement: StandPlacement): Promise<StandInfo> {
    const { numUpdatedRows } = await this.#db.db
      .updateTable('stands')
      .set({ x: placement.x, z: placement.z, rotation: placement.rotation, updated_at: Date.now() })
      .where('id', '=', id)
      .executeTakeFirst();
    if (numUpdatedRows === 0n) throw new NotFoundError('stand', id);
    return this.get(id);
  }
}

function toStand(row: Row): StandInfo {
  const content = StandContent.parse(JSON.parse(row.content));
  return {
    id: row.id,
    ...content,
    placement: { x: row.x, z: row.z, rotation: row.rotation as StandPlacement['rotation'] },
    giftsLeft: Math.max(0, content.gift.stock - Number(row.gifts_claimed)),
  };
}
