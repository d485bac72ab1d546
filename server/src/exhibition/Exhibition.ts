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

  constructor(db: Db) {
    this.stands = new StandStore(db);
    this.comments = new CommentStore(db);
    this.gifts = new GiftLedger(db, this.stands);
    this.visits = new VisitLog(db, this.stands);
    this.presence = new StandPresence(this.visits);
  }

  /** Seeds the demo's 24 stands when the hall is empty (first start); later starts keep what is there. */
  seedDemoIfEmpty(): boolean {
    if (this.stands.list().length > 0) return false;
    this.stands.addAll(demoStands());
    return true;
  }

  /** Ends open visits. Safe to call twice. */
  close(): void {
    this.presence.close();
  }

  /** Whether {@link close} has been called. */
  get closed(): boolean {
    return this.presence.closed;
  }
}
