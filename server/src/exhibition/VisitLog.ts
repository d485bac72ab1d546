import type { ExhibitionAnalytics, Region, VisitFigures } from '@hybrid-stage/shared';
import { sql } from 'kysely';
import type { Db } from '../persistence/Database';
import type { StandStore } from './StandStore';

/** Longest dwell counted for one visit: a tab left open overnight is not a 10-hour visit. */
const MAX_DWELL_MS = 30 * 60_000;

/** How long a visit that started at `started_at` has lasted at `at`, at most MAX_DWELL_MS (CASE, not MIN or LEAST, reads the same in both engines). */
const dwellAt = (at: number) =>
  sql<number>`CASE WHEN CAST(${at} AS BIGINT) - started_at < ${MAX_DWELL_MS} THEN CAST(${at} AS BIGINT) - started_at ELSE ${MAX_DWELL_MS} END`;

/**
 * Stand visits, in SQLite or PostgreSQL (who opened which stand, when, and for how long), and the
 * analytics built from them with the stands' comments and gifts.
 */
export class VisitLog {
  readonly #db: Db;
  readonly #stands: StandStore;

  constructor(db: Db, stands: StandStore) {
    this.#db = db;
    this.#stands = stands;
  }

  /** Visits left open by a stop: counted with the longest dwell that can be known, none. Run once at start. */
  async endOpenVisits(): Promise<void> {
    await this.#db.db.updateTable('stand_visits').set({ dwell_ms: 0 }).where('dwell_ms', 'is', null).execute();
  }

  /** Records the start of a visit; returns its id for {@link end}. */
  async start(standId: string, visitorId: string, at = Date.now()): Promise<number> {
    const row = await this.#db.db
      .insertInto('stand_visits')
      .values({ stand_id: standId, visitor_id: visitorId, started_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /** Records how long a visit lasted. */
  async end(visitId: number, at = Date.now()): Promise<void> {
    await this.#db.db.updateTable('stand_visits').set({ dwell_ms: dwellAt(at) }).where('id', '=', visitId).where('dwell_ms', 'is', null).execute();
  }

  /** Figures per stand and per region; `standIds` limits the stands shown (regions always cover all). */
  async analytics(standIds?: ReadonlySet<string>): Promise<ExhibitionAnalytics> {
    const { db } = this.#db;
    const stands = await this.#stands.list();
    const regionOf = new Map(stands.map((s) => [s.id, s.region]));
    // Visits still going on count with the time so far.
    const visitRows = await db
      .selectFrom('stand_visits')
      .select((eb) => [
        'stand_id',
        eb.fn.countAll<number>().as('visits'),
        eb.fn.count<number>('visitor_id').distinct().as('visitors'),
        sql<number>`COALESCE(SUM(COALESCE(dwell_ms, ${dwellAt(Date.now())})), 0)`.as('dwell_ms'),
      ])
      .groupBy('stand_id')
      .execute();
    const visits = new Map(visitRows.map((r) => [r.stand_id, { visits: Number(r.visits), visitors: Number(r.visitors), dwell_ms: Number(r.dwell_ms) }]));
    const countBy = async (table: 'stand_comments' | 'stand_gifts') =>
      new Map(
        (await db.selectFrom(table).select((eb) => ['stand_id', eb.fn.countAll<number>().as('n')]).groupBy('stand_id').execute()).map((r) => [
          r.stand_id,
          Number(r.n),
        ]),
      );
    const comments = await countBy('stand_comments');
    const gifts = await countBy('stand_gifts');
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
    for (const { stand_id, visitor_id } of await db.selectFrom('stand_visits').select(['stand_id', 'visitor_id']).distinct().execute()) {
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
