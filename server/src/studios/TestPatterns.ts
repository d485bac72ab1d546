import type { Logger } from '../logger';
import type { WorkerPool } from '../media/WorkerPool';
import type { FeedRegistry } from './FeedRegistry';
import { TestPattern } from './TestPattern';

/** Options of {@link TestPatterns.start}. */
export interface TestPatternsOptions {
  feeds: FeedRegistry;
  /** The patterns run on its ingest worker, and start again on its replacement. */
  pool: WorkerPool;
  /** Picture size as WIDTHxHEIGHT. */
  size: string;
  logger: Logger;
}

/** Every studio's built-in test pattern, each a feed of its studio; restarted when the ingest worker is replaced. */
export class TestPatterns {
  readonly #options: TestPatternsOptions;
  readonly #patterns = new Set<TestPattern>();
  readonly #unfollow: () => void;
  #closed = false;

  private constructor(options: TestPatternsOptions) {
    this.#options = options;
    // The patterns died with the worker: after the buses are rebuilt they start again, as new feeds with the old names.
    this.#unfollow = options.pool.followIngest('sources', () => this.#startAll());
  }

  /** Starts one pattern per studio. */
  static async start(options: TestPatternsOptions): Promise<TestPatterns> {
    const patterns = new TestPatterns(options);
    try {
      await patterns.#startAll();
    } catch (error) {
      patterns.close();
      throw error;
    }
    return patterns;
  }

  async #startAll(): Promise<void> {
    const { feeds, pool, size, logger } = this.#options;
    for (const studio of feeds.studios) {
      if (this.#closed) return;
      const feed = feeds.open(studio.id, `${studio.name} test pattern`, 'test-pattern');
      const pattern = await TestPattern.start({ studio, feed, router: pool.ingest.router, size, logger });
      if (this.#closed) return pattern.close(); // stopped while it started
      this.#patterns.add(pattern);
      feed.once('close', () => this.#patterns.delete(pattern));
    }
  }

  /** Stops every pattern (and closes its feed). Safe to call twice. */
  close(): void {
    this.#closed = true;
    this.#unfollow();
    for (const pattern of [...this.#patterns]) pattern.close();
  }
}
