import type { Db } from '../persistence/Database';
import { CommentStore } from './CommentStore';
import { GiftLedger } from './GiftLedger';
import { StandPresence } from './StandPresence';
import { StandStore } from './StandStore';
import { VisitLog } from './VisitLog';
import { demoStands } from './demoStands';

/** The virtual exhibition's parts, sharing one database. */
export class Exhibition {
  readonly stands: StandStore;
  readonly comments: CommentStore;
  readonly gifts: GiftLedger;
  readonly visits: VisitLog;
  readonly presence: StandPresence;

  private constructor(db: Db) {
    this.stands = new StandStore(db);
    this.comments = new CommentStore(db);
    this.gifts = new GiftLedger(db, this.stands);
    this.visits = new VisitLog(db, this.stands);
    this.presence = new StandPresence(this.visits);
  }

  /**
   * The exhibition on `db`. With `endOpenVisits` (the node that owns the database's state) the
   * visits a previous stop left open are ended; otherwise other nodes' visits may be under way, so
   * open ones count until the dwell cap instead.
   */
  static async start(db: Db, endOpenVisits: boolean): Promise<Exhibition> {
    const exhibition = new Exhibition(db);
    if (endOpenVisits) await exhibition.visits.endOpenVisits();
    return exhibition;
  }

  /** Seeds the demo's 24 stands when the hall is empty (first start); later starts keep what is there. */
  async seedDemoIfEmpty(): Promise<boolean> {
    if ((await this.stands.list()).length > 0) return false;
    try {
      await this.stands.addAll(demoStands());
    } catch (error) {
      // Another node seeding the same empty database at the same moment got there first.
      if ((await this.stands.list()).length > 0) return false;
      throw error;
    }
    return true;
  }

  /** Ends open visits, once their writes are done. Safe to call twice. */
  close(): Promise<void> {
    return this.presence.close();
  }

  /** Whether {@link close} has been called. */
  get closed(): boolean {
    return this.presence.closed;
  }
}
