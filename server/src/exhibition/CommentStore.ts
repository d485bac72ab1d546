import { randomUUID } from 'node:crypto';
import type { NewComment, StandComment } from '@hybrid-stage/shared';
import { NotFoundError } from '../errors';
import type { Db } from '../persistence/Database';

interface Row {
  id: string;
  stand_id: string;
  author: string;
  text: string;
  hidden: number;
  created_at: number;
}

/** How many comments a stand's list shows. */
const PAGE = 100;

/**
 * Comments on stands in SQLite, newest first. Text is stored exactly as written; the client renders
 * it as text, so markup in it stays inert. Moderators hide (reversible) or delete.
 */
export class CommentStore {
  readonly #insert;
  readonly #visible;
  readonly #all;
  readonly #one;
  readonly #hide;
  readonly #delete;

  constructor(db: Db) {
    this.#insert = db.prepare(
      'INSERT INTO stand_comments (id, stand_id, visitor_id, author, text, hidden, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)',
    );
    this.#visible = db.prepare<[string, number], Row>(
      'SELECT * FROM stand_comments WHERE stand_id = ? AND hidden = 0 ORDER BY created_at DESC, rowid DESC LIMIT ?',
    );
    this.#all = db.prepare<[string, number], Row>('SELECT * FROM stand_comments WHERE stand_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?');
    this.#one = db.prepare<[string, string], Row>('SELECT * FROM stand_comments WHERE id = ? AND stand_id = ?');
    this.#hide = db.prepare('UPDATE stand_comments SET hidden = ? WHERE id = ?');
    this.#delete = db.prepare('DELETE FROM stand_comments WHERE id = ?');
  }

  /** Stores a comment; it is committed when this returns. */
  post(standId: string, visitorId: string, comment: NewComment): StandComment {
    const id = randomUUID();
    this.#insert.run(id, standId, visitorId, comment.author, comment.text, Date.now());
    return toComment(this.#one.get(id, standId)!);
  }

  /** A stand's comments, newest first; hidden ones only when `withHidden` (for moderators). */
  list(standId: string, withHidden: boolean): StandComment[] {
    return (withHidden ? this.#all : this.#visible).all(standId, PAGE).map(toComment);
  }

  /** Hides or shows a comment again. */
  setHidden(standId: string, commentId: string, hidden: boolean): StandComment {
    this.#get(standId, commentId);
    this.#hide.run(hidden ? 1 : 0, commentId);
    return this.#get(standId, commentId);
  }

  /** Deletes a comment for good. */
  delete(standId: string, commentId: string): void {
    this.#get(standId, commentId);
    this.#delete.run(commentId);
  }

  #get(standId: string, commentId: string): StandComment {
    const row = this.#one.get(commentId, standId);
    if (!row) throw new NotFoundError('comment', commentId);
    return toComment(row);
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
