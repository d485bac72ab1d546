import { randomUUID } from 'node:crypto';
import type { NewComment, StandComment } from '@hybrid-stage/shared';
import { NotFoundError } from '../errors';
import type { Db, Tables } from '../persistence/Database';

type Row = Omit<Tables['stand_comments'], 'rowid' | 'visitor_id'>;

/** How many comments a stand's list shows. */
const PAGE = 100;
const COLUMNS = ['id', 'stand_id', 'author', 'text', 'hidden', 'created_at'] as const;

/**
 * Comments on stands, in SQLite or PostgreSQL, newest first. Text is stored exactly as written; the
 * client renders it as text, so markup in it stays inert. Moderators hide (reversible) or delete.
 */
export class CommentStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Stores a comment; it is committed when this resolves. */
  async post(standId: string, visitorId: string, comment: NewComment): Promise<StandComment> {
    const row = await this.#db.db
      .insertInto('stand_comments')
      .values({ id: randomUUID(), stand_id: standId, visitor_id: visitorId, author: comment.author, text: comment.text, hidden: 0, created_at: Date.now() })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    return toComment(row);
  }

  /** A stand's comments, newest first; hidden ones only when `withHidden` (for moderators). */
  async list(standId: string, withHidden: boolean): Promise<StandComment[]> {
    let query = this.#db.db.selectFrom('stand_comments').select(COLUMNS).where('stand_id', '=', standId);
    if (!withHidden) query = query.where('hidden', '=', 0);
    // Two comments in the same millisecond: the one written last first.
    const rows = await query.orderBy('created_at', 'desc').orderBy('rowid', 'desc').limit(PAGE).execute();
    return rows.map(toComment);
  }

  /** Hides or shows a comment again; NOT_FOUND when the stand has no such comment. */
  async setHidden(standId: string, commentId: string, hidden: boolean): Promise<StandComment> {
    const row = await this.#db.db
      .updateTable('stand_comments')
      .set({ hidden: hidden ? 1 : 0 })
      .where('id', '=', commentId)
      .where('stand_id', '=', standId)
      .returning(COLUMNS)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('comment', commentId);
    return toComment(row);
  }

  /** Deletes a comment for good; NOT_FOUND when the stand has no such comment. */
  async delete(standId: string, commentId: string): Promise<void> {
    const { numDeletedRows } = await this.#db.db.deleteFrom('stand_comments').where('id', '=', commentId).where('stand_id', '=', standId).executeTakeFirst();
    if (numDeletedRows === 0n) throw new NotFoundError('comment', commentId);
  }
}

function toComment(row: Row): StandComment {
  return {
    id: row.id,
    standId: row.stand_id,
    author: row.author,
    text: row.text,
    createdAt: new Date(row.created_at).toISOString(),
    hidden: row.hidden === 1,
  };
}
