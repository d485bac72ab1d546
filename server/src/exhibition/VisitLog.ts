import type { ExhibitionAnalytics, Region, VisitFigures } from '@hybrid-stage/shared';
import type { Db } from '../persistence/Database';
import type { StandStore } from './StandStore';

/** Longest dwell counted for one visit: a tab left open overnight is not a 10-hour visit. */
const MAX_DWELL_MS = 30 * 60_000;

interface StandRow {
  stand_id: string;
  visits: number;
  visitors: number;
  dwell_ms: number;
}

/**
 * Stand visits in SQLite (who opened which stand, when, and for how long) and the analytics built
 * from them with the stands' comments and gifts.
 */
export class VisitLog {
  readonly #stands: StandStore;
  readonly #start;
  readonly #end;
  readonly #endOpen;
  readonly #visits;
  readonly #regionVisitors;
  readonly #comments;
  readonly #gifts;

  constructor(db: Db, stands: StandStore) {
    this.#stands = stands;
    this.#start = db.prepare('INSERT INTO stand_visits (stand_id, visitor_id, started_at) VALUES (?, ?, ?)');
    this.#end = db.prepare('UPDATE stand_visits SET dwell_ms = MIN(?, ? - started_at) WHERE id = ? AND dwell_ms IS NULL');
    // Visits left open by a stop: counted with the longest dwell that can be known, none.
    this.#endOpen = db.prepare('UPDATE stand_visits SET dwell_ms = 0 WHERE dwell_ms IS NULL');
    this.#endOpen.run();
    // Visits still going on count with the time so far.
    this.#visits = db.prepare<[number, number], StandRow>(
      `SELECT stand_id, COUNT(*) AS visits, COUNT(DISTINCT visitor_id) AS visitors,
         COALESCE(SUM(COALESCE(dwell_ms, MIN(?, ? - started_at))), 0) AS dwell_ms
       FROM stand_visits GROUP BY stand_id`,
    );
    this.#regionVisitors = db.prepare<[], { stand_id: string; visitor_id: string }>('SELECT DISTINCT stand_id, visitor_id FROM stand_visits');
    this.#comments = db.prepare<[], { stand_id: string; n: number }>('SELECT stand_id, COUNT(*) AS n FROM stand_comments GROUP BY stand_id');
    this.#gifts = db.prepare<[], { stand_id: string; n: number }>('SELECT stand_id, COUNT(*) AS n FROM stand_gifts GROUP BY stand_id');
  }

  /** Records the start of a visit; returns its id for {@link end}. */
  start(standId: string, visitorId: string, at = Date.now()): number {
    return Number(this.#start.run(standId, visitorId, at).lastInsertRowid);
  }

  /** Records how long a visit lasted. */
  end(visitId: number, at = Date.now()): void {
    this.#end.run(MAX_DWELL_MS, at, visitId);
  }

  /** Figures per stand and per region; `standIds` limits the stands shown (regions always cover all). */
  analytics(standIds?: ReadonlySet<string>): ExhibitionAnalytics {
    const stands = this.#stands.list();
    const regionOf = new Map(stands.map((s) => [s.id, s.region]));
    const visits = new Map(this.#visits.all(MAX_DWELL_MS, Date.now()).map((r) => [r.stand_id, r]));
    const comments = new Map(this.#comments.all().map((r) => [r.stand_id, r.n]));
    const gifts = new Map(this.#gifts.all().map((r) => [r.stand_id, r.n]));
    const empty = (): VisitFigures => ({ visits: 0, visitors: 0, dwellMs: 0, comments: 0, giftsClaimed: 0 });
    const regions = new Map<Region, VisitFigures>();
    const perStand = stands.map((stand) => {
      const v = visits.get(stand.id);
      const figures: VisitFigures = {
        visits: v?.visits ?? 0,
        visitors: v?.visitors ?? 0,
        dwellMs: v?.dwell_ms ?? 0,
        comments: comments.get(stand.id) ?? 0,
        giftsClaimed: gifts.get(stand.id) ?? 0,
      };
      const region = regions.get(stand.region) ?? empty();
      region.visits += figures.visits;
      region.dwellMs += figures.dwellMs;
      region.comments += figures.comments;
      region.giftsClaimed += figures.giftsClaimed;
      regions.set(stand.region, region);
      return { standId: stand.id, exhibitor: stand.exhibitor, region: stand.region, ...figures };
    });
    // A visitor of two stands in a region is one visitor of the region.
    const regionVisitors = new Map<Region, Set<string>>();
    for (const { stand_id, visitor_id } of this.#regionVisitors.all()) {
      const region = regionOf.get(stand_id);
      if (!region) continue;
      let set = regionVisitors.get(region);
      if (!set) regionVisitors.set(region, (set = new Set()));
      set.add(visitor_id);
    }
    for (const [region, figures] of regions) figures.visitors = regionVisitors.get(region)?.size ?? 0;
    return {
      stands: perStand.filter((s) => !standIds || standIds.has(s.standId)),
      regions: [...regions].map(([region, figures]) => ({ region, ...figures })),
    };
  }
}
