import { EventEmitter } from 'node:events';
import type { StandPresenceCounts } from '@hybrid-stage/shared';
import type { VisitLog } from './VisitLog';

/** How often, at most, changed counts are announced. */
const ANNOUNCE_EVERY_MS = 1000;

/** Events of {@link StandPresence}. */
export interface StandPresenceEvents {
  /** The counts changed; emitted at most once per second. */
  counts: [counts: StandPresenceCounts];
}

interface Visit {
  standId: string;
  /** The visit's id once its start is stored; undefined when the write failed (the visit goes uncounted). */
  visitId: Promise<number | undefined>;
}

/**
 * Who is at which stand right now (one stand per connection), with each visit's start and dwell
 * recorded in the {@link VisitLog}. Count changes are announced throttled, so a crowd walking
 * through the hall costs one broadcast a second, not one per step.
 */
export class StandPresence extends EventEmitter<StandPresenceEvents> {
  readonly #visits: VisitLog;
  readonly #at = new Map<string, Visit>();
  readonly #counts = new Map<string, number>();
  /** Visit writes under way, awaited by {@link close} so none is cut off by the database closing. */
  readonly #writes = new Set<Promise<unknown>>();
  #timer: NodeJS.Timeout | undefined;
  #lastAnnounced = 0;
  #closed = false;

  constructor(visits: VisitLog) {
    super();
    this.#visits = visits;
  }

  /** Visitors per stand now. */
  counts(): StandPresenceCounts {
    return Object.fromEntries(this.#counts);
  }

  /** Connection `connectionId` (visitor `visitorId`) is now at `standId`, and at no other stand. */
  join(connectionId: string, visitorId: string, standId: string): void {
    if (this.#closed) return;
    if (this.#at.get(connectionId)?.standId === standId) return;
    this.leave(connectionId);
    // Counts change at once; the visit is written behind them (analytics only: a failed write is not
    // the visitor's concern and is not retried).
    const visitId = this.#track(this.#visits.start(standId, visitorId).catch(() => undefined));
    this.#at.set(connectionId, { standId, visitId });
    this.#counts.set(standId, (this.#counts.get(standId) ?? 0) + 1);
    this.#changed();
  }

  /** Connection `connectionId` left its stand (or the exhibition). */
  leave(connectionId: string): void {
    const visit = this.#at.get(connectionId);
    if (!visit) return;
    this.#at.delete(connectionId);
    this.#track(visit.visitId.then((id) => (id === undefined ? undefined : this.#visits.end(id))).catch(() => undefined));
    const n = (this.#counts.get(visit.standId) ?? 1) - 1;
    if (n > 0) this.#counts.set(visit.standId, n);
    else this.#counts.delete(visit.standId);
    this.#changed();
  }

  /** Ends every open visit, stops announcing, and resolves once the visit writes are done. Safe to call twice. */
  async close(): Promise<void> {
    if (!this.#closed) {
      for (const connectionId of [...this.#at.keys()]) this.leave(connectionId);
      this.#closed = true;
      clearTimeout(this.#timer);
    }
    while (this.#writes.size > 0) await Promise.all(this.#writes);
  }

  get closed(): boolean {
    return this.#closed;
  }

  #track<T>(write: Promise<T>): Promise<T> {
    this.#writes.add(write);
    void write.finally(() => this.#writes.delete(write));
    return write;
  }

  #changed(): void {
    if (this.#closed || this.#timer) return;
    const wait = Math.max(0, this.#lastAnnounced + ANNOUNCE_EVERY_MS - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#lastAnnounced = Date.now();
      this.emit('counts', this.counts());
    }, wait);
  }
}
