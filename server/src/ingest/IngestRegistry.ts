import type { types } from 'mediasoup';
import type { IngestInfo, IngestRequest } from '@hybrid-stage/shared';
import { AppError, NotFoundError } from '../errors';
import type { Logger } from '../logger';
import type { WorkerPool } from '../media/WorkerPool';
import type { FeedRegistry } from '../studios/FeedRegistry';
import { Ingest } from './Ingest';
import type { IngestRecord, IngestStore } from './IngestStore';

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
  /**
   * Where ingests are kept (the node that runs the event's state: one node, or the origin), so the
   * next server to run the event opens them again where their encoders keep sending; none on an edge.
   */
  store?: IngestStore;
  logger: Logger;
}

/** The ingest endpoints of every studio. They live until closed, whoever created them disconnects. */
export class IngestRegistry {
  readonly #options: IngestRegistryOptions;
  readonly #ingests = new Map<string, Ingest>();
  /** Ingests being opened: counted and holding their SRT port already, so two requests at once cannot take one. */
  readonly #opening = new Set<{ studioId: string; srtPort: number | undefined }>();
  readonly #unfollow: () => void;
  /** Set while the registry closes: the ingests end with the server, not by anyone's wish, and stay stored. */
  #closing = false;

  constructor(options: IngestRegistryOptions) {
    this.#options = options;
    // First after a replacement: the ingests open again on the same ports before anything else takes them.
    this.#unfollow = options.pool.followIngest('ports', (worker) => this.#moveTo(worker.router));
  }

  /** Opens an endpoint feeding a new feed of `studioId`. */
  async open(studioId: string, request: IngestRequest): Promise<IngestInfo> {
    const opening = [...this.#opening].filter((o) => o.studioId === studioId).length;
    if (this.list(studioId).length + opening >= MAX_INGESTS_PER_STUDIO) {
      throw new AppError('INVALID_STATE', `at most ${MAX_INGESTS_PER_STUDIO} ingests per studio; close one first`);
    }
    return (await this.#open(studioId, request)).info();
  }

  /**
   * Opens the stored ingests again (at start: the server before this one stopped or died), each on
   * its ports with its SSRCs or SRT secret, so encoders that keep sending are back without a change;
   * a port taken meanwhile is replaced (the studio page shows the new one). One that cannot be
   * opened (its studio left the event) is dropped from the store.
   */
  async restore(): Promise<void> {
    const { store, logger } = this.#options;
    if (!store) return;
    for (const record of await store.list()) {
      const { label, protocol, source } = record.spec;
      try {
        const ingest = await this.#open(record.studioId, { label, protocol, ...(source ? { source } : {}) }, record);
        logger.info({ ingestId: ingest.id, studioId: record.studioId, label, ...ingest.info().rtp }, 'ingest opened again');
      } catch (err) {
        logger.error({ err, ingestId: record.id, studioId: record.studioId, label }, 'cannot open a stored ingest again; dropping it');
        await store.remove(record.id).catch(() => undefined);
      }
    }
  }

  async #open(studioId: string, { label, protocol, source }: IngestRequest, restore?: IngestRecord): Promise<Ingest> {
    const { feeds, pool, listenIp, announcedIp, store, logger } = this.#options;
    const kept = restore?.spec.srt?.port;
    const srtPort = protocol === 'srt' ? (kept !== undefined && !this.#srtPortsInUse().has(kept) ? kept : this.#freeSrtPort()) : undefined;
    const reservation = { studioId, srtPort };
    this.#opening.add(reservation);
    const feed = feeds.open(studioId, label, protocol);
    try {
      const ingest = await Ingest.open({ protocol, feed, router: pool.ingest.router, listenIp, announcedIp, srtPort, source, restore, logger });
      try {
        await store?.put(ingest.record());
      } catch (error) {
        ingest.close();
        throw error;
      }
      this.#ingests.set(ingest.id, ingest);
      feed.once('close', () => {
        this.#ingests.delete(ingest.id);
        if (!this.#closing) store?.remove(ingest.id).catch((err: unknown) => logger.warn({ err, ingestId: ingest.id }, 'cannot remove a closed ingest from the store'));
      });
      logger.info({ studioId, label, protocol, ingestId: ingest.id }, 'ingest opened');
      return ingest;
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
        // A port taken meanwhile was replaced: the store keeps the new one.
        await this.#options.store?.put(ingest.record()).catch((err: unknown) => this.#options.logger.warn({ err, ingestId: ingest.id }, 'cannot store the ingest\'s new ports'));
      } catch (err) {
        this.#options.logger.error({ err, ingestId: ingest.id }, 'cannot open the ingest again on the new media worker; closing it');
        ingest.close();
      }
    }
  }

  /** Closes every ingest (they stay stored: the next server opens them again). */
  close(): void {
    this.#closing = true;
    this.#unfollow();
    for (const ingest of [...this.#ingests.values()]) ingest.close();
  }

  #srtPortsInUse(): Set<number | undefined> {
    return new Set([...this.#ingests.values(), ...this.#opening].map((i) => i.srtPort));
  }

  #freeSrtPort(): number {
    const [min, max] = this.#options.srtPortRange;
    const used = this.#srtPortsInUse();
    for (let port = min; port <= max; port++) if (!used.has(port)) return port;
    throw new AppError('INVALID_STATE', 'every SRT port is in use; close an SRT ingest first');
  }
}
