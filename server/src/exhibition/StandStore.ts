import { StandContent, type NewStand, type StandInfo, type StandPlacement } from '@hybrid-stage/shared';
import { AppError, NotFoundError } from '../errors';
import type { Db } from '../persistence/Database';

interface Row {
  id: string;
  content: string;
  x: number;
  z: number;
  rotation: number;
  gifts_claimed: number;
}

/** Stands in SQLite: content as one validated JSON document, placement in the hall, vouchers left. */
export class StandStore {
  readonly #db: Db;
  readonly #all;
  readonly #one;
  readonly #insert;
  readonly #updateContent;
  readonly #updatePlacement;

  constructor(db: Db) {
    this.#db = db;
    const select = `SELECT s.*, (SELECT COUNT(*) FROM stand_gifts g WHERE g.stand_id = s.id) AS gifts_claimed FROM stands s`;
    this.#all = db.prepare<[], Row>(`${select} ORDER BY s.created_at, s.id`);
    this.#one = db.prepare<[string], Row>(`${select} WHERE s.id = ?`);
    this.#insert = db.prepare(
      'INSERT INTO stands (id, content, x, z, rotation, created_at, updated_at) VALUES (@id, @content, @x, @z, @rotation, @now, @now)',
    );
    this.#updateContent = db.prepare('UPDATE stands SET content = ?, updated_at = ? WHERE id = ?');
    this.#updatePlacement = db.prepare('UPDATE stands SET x = ?, z = ?, rotation = ?, updated_at = ? WHERE id = ?');
  }

  /** Every stand, in the order they were added. */
  list(): StandInfo[] {
    return this.#all.all().map(toStand);
  }

  /** One stand; NOT_FOUND when there is none. */
  get(id: string): StandInfo {
    const row = this.#one.get(id);
    if (!row) throw new NotFoundError('stand', id);
    return toStand(row);
  }

  /** Whether a stand exists. */
  has(id: string): boolean {
    return this.#one.get(id) !== undefined;
  }

  /** Adds a stand; INVALID_STATE when the id is taken. */
  add(stand: NewStand): StandInfo {
    if (this.has(stand.id)) throw new AppError('INVALID_STATE', `stand ${stand.id} exists already`);
    this.#insert.run({ id: stand.id, content: JSON.stringify(stand.content), ...stand.placement, now: Date.now() });
    return this.get(stand.id);
  }

  /** Adds many stands in one transaction (the demo's seed). */
  addAll(stands: readonly NewStand[]): void {
    this.#db.transaction(() => stands.forEach((s) => this.add(s)))();
  }

  /** Replaces a stand's content. */
  updateContent(id: string, content: StandContent): StandInfo {
    this.get(id);
    this.#updateContent.run(JSON.stringify(content), Date.now(), id);
    return this.get(id);
  }

  /** Moves a stand in the hall. */
  place(id: string, placement: StandPlacement): StandInfo {
    this.get(id);
    this.#updatePlacement.run(placement.x, placement.z, placement.rotation, Date.now(), id);
    return this.get(id);
  }
}

function toStand(row: Row): StandInfo {
  const content = StandContent.parse(JSON.parse(row.content));
  return {
    id: row.id,
    ...content,
    placement: { x: row.x, z: row.z, rotation: row.rotation as StandPlacement['rotation'] },
    giftsLeft: Math.max(0, content.gift.stock - row.gifts_claimed),
  };
}
