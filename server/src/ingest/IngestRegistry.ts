import type { types } from 'mediasoup';
import type { IngestInfo, IngestRequest } from '@hybrid-stage/shared';
import { AppError, NotFoundError } from '../errors';
import type { Logger } from '../logger';
import type { WorkerPool } from '../media/WorkerPool';
import type { FeedRegistry } from '../studios/FeedRegistry';
import { Ingest } from './Ingest';

/** At most this many ingests per studio: each holds ports, and an SRT one an encoder process. */
const MAX_INGESTS_PER_STUDIO = 8;

/** Options of an {@link IngestRegistry}. */
export interface IngestRegistryOptions {
  feeds: FeedRegistry;
  /** Ingests land on its ingest worker, and open again on its replacement when it dies. */
  pool: WorkerPool;
  listenIp: string;
  announcedIp: string;
  srtPortRange: [number, number];
  logger: Logger;
}

/** The ingest endpoints of every studio. They live until closed, whoever created them disconnects. */
export class IngestRegistry {
  readonly #options: IngestRegistryOptions;
  readonly #ingests = new Map<string, Ingest>();
  /** Ingests being opened: counted and holding their SRT port already, so two requests at once cannot take one. */
  readonly #opening = new Set<{ studioId: string; srtPort: number | undefined }>();
  readonly #unfollow: () => void;

  constructor(options: IngestRegistryOptions) {
    this.#options = options;
    // First after a replacement: the ingests open again on the same ports before anything else takes them.
    this.#unfollow = options.pool.followIngest('ports', (worker) => this.#moveTo(worker.router));
  }

  /** Opens an endpoint feeding a new feed of `studioId`. */
  async open(studioId: string, { label, protocol, source }: IngestRequest): Promise<IngestInfo> {
    const { feeds, pool, listenIp, announcedIp, logger } = this.#options;
    const opening = [...this.#opening].filter((o) => o.studioId === studioId).length;
    if (this.list(studioId).length + opening >= MAX_INGESTS_PER_STUDIO) {
      throw new AppError('INVALID_STATE', `at most ${MAX_INGESTS_PER_STUDIO} ingests per studio; close one first`);
    }
    const srtPort = protocol === 'srt' ? this.#freeSrtPort() : undefined;
    const reservation = { studioId, srtPort };
    this.#opening.add(reservation);
    const feed = feeds.open(studioId, label, protocol);
    try {
      const ingest = await Ingest.open({ protocol, feed, router: pool.ingest.router, listenIp, announcedIp, srtPort, source, logger });
      this.#ingests.set(ingest.id, ingest);
      feed.once('close', () => this.#ingests.delete(ingest.id));
      logger.info({ studioId, label, protocol, ingestId: ingest.id }, 'ingest opened');
      return ingest.info();
    } catch (error) {
      feed.close();
      throw error;
    } finally {
      this.#opening.delete(reservation);
    }
  }

  /** The ingest with this id; NOT_FOUND when there is none. */
  get(ingestId: string): Ingest {
    const ingest = this.#ingests.get(ingestId);
    if (!ingest) throw new NotFoundError('ingest', ingestId);
    return ingest;
  }

  /** A studio's ingests. */
  list(studioId: string): IngestInfo[] {
    return [...this.#ingests.values()].filter((i) => i.feed.studioId === studioId).map((i) => i.info());
  }

  /**
   * Opens every ingest again on `router`, after the worker they lived on died and was replaced;
   * one that cannot be opened again is closed (its feed ends) and logged.
   */
  async #moveTo(router: types.Router): Promise<void> {
    for (const ingest of [...this.#ingests.values()]) {
      try {
        await ingest.moveTo(router);
        this.#options.logger.info({ ingestId: ingest.id, ...ingest.info().rtp }, 'ingest opened again on the new media worker');
      } catch (err) {
        this.#options.logger.error({ err, ingestId: ingest.id }, 'cannot open the ingest again on the new media worker; closing it');
        ingest.close();
      }
    }
  }

  /** Closes every ingest. */
  close(): void {
    this.#unfollow();
    for (const ingest of [...this.#ingests.values()]) ingest.close();
  }

  #freeSrtPort(): number {
    const [min, max] = this.#options.srtPortRange;
    const used = new Set([...this.#ingests.values(), ...this.#opening].map((i) => i.srtPort));
    for (let port = min; port <= max; port++) if (!used.has(port)) return port;
    throw new AppError('INVALID_STATE', 'every SRT port is in use; close an SRT ingest first');
  }
}
