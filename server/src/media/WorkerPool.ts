import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from '../logger';
import { AppError, InvalidStateError, StartupError } from '../errors';
import { MEDIA_CODECS } from './codecs';
import { ClientPlacement } from './placement';
import { countRouter, type RouterCounts } from './routerCounts';
import { workerCpu, type WorkerCpu } from './workerCpu';

/** Options of a {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** How many mediasoup workers to run (one per core is usual). */
  workers: number;
  /** Worker i's WebRtcServer listens on UDP and TCP port `rtcPort + i`. */
  rtcPort: number;
  /** Address the WebRtcServers listen on. */
  listenIp: string;
  /** Address announced in ICE candidates. */
  announcedIp: string;
  /** Port range for internal RTP (plain and pipe transports). */
  portRange: [number, number];
  /**
   * Clients one worker takes before new viewers are refused (SERVER_FULL); crew (studios,
   * producers, captioners…) are placed anyway. 0: no ceiling.
   */
  maxClientsPerWorker?: number;
  logger: Logger;
}

/** One mediasoup worker with its WebRTC server and its router. */
export interface MediaWorker {
  /** Position in the pool; stays the same when a dead worker is replaced. */
  readonly index: number;
  readonly worker: types.Worker;
  readonly webRtcServer: types.WebRtcServer;
  readonly router: types.Router;
  /** Its router's transports, producers and consumers, counted in Node (for the metrics and the node's load). */
  readonly counts: RouterCounts;
  /** Its CPU time, asked of it at most once a second. */
  readonly cpu: WorkerCpu;
}

/**
 * The order in which what lived on a replaced ingest worker is rebuilt on the new one: what holds
 * fixed ports first (so nothing else takes them), then the program buses, then the sources that
 * feed them (a feed opened before its bus exists would be tapped on the dead router), then what
 * was on air (which needs those sources back).
 */
export const RECOVERY_STAGES = ['ports', 'buses', 'sources', 'onAir'] as const;
export type RecoveryStage = (typeof RECOVERY_STAGES)[number];

/** Rebuilds, on the replacement of the ingest worker, what lived on the old one. */
export type RecoveryStep = (worker: MediaWorker) => Promise<void>;

/**
 * The mediasoup workers of this process, one router each. A worker that dies is replaced with a
 * new one on the same ports; the services that lived on the ingest worker rebuild themselves on its
 * replacement through {@link followIngest}, stage by stage.
 */
export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  readonly #workers: MediaWorker[] = [];
  /** Producers already piped to a router, keyed `producerId routerId`. */
  readonly #pipes = new Map<string, Promise<types.Producer>>();
  /** Clients placed on each live worker and not yet released. */
  readonly #clients = new ClientPlacement<MediaWorker>();
  /** What each service rebuilds when the ingest worker is replaced, by stage, in the order followed. */
  readonly #recovery = new Map<RecoveryStage, Set<RecoveryStep>>(RECOVERY_STAGES.map((stage) => [stage, new Set()]));
  #closed = false;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
  }

  /** Whether the pool has been closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Starts every worker; resolves when all are ready. */
  async start(): Promise<void> {
    const { workers, portRange } = this.#options;
    const span = Math.floor((portRange[1] - portRange[0] + 1) / workers);
    if (span < 10) throw new Error(`MEDIA_PORT_RANGE is too small for ${workers} workers`);
    try {
      for (let i = 0; i < workers; i++) this.#workers[i] = await this.#createWorker(i);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** The media workers, in pool order. */
  get workers(): readonly MediaWorker[] {
    return this.#workers;
  }

  /** The worker where ingest (test patterns, RTP feeds) lands. */
  get ingest(): MediaWorker {
    this.#assertOpen();
    return this.#workers[0]!;
  }

  /**
   * Places a new client on the worker with the fewest clients; call {@link release} when it
   * leaves. Clients are counted as they are placed (their consumers come later), so a join storm
   * is spread evenly.
   */
  placeClient(who: 'viewer' | 'crew' = 'crew'): MediaWorker {
    this.#assertOpen();
    // A dead worker stays in its slot until its replacement is ready; so does a live one whose
    // WebRtcServer closed, until the new server is open.
    const live = (w: MediaWorker) => !w.worker.died && !w.worker.closed && !w.webRtcServer.closed;
    const ceiling = this.#options.maxClientsPerWorker ?? 0;
    // A viewer only where there is room: past the ceiling a worker's media threads (and its share of
    // the uplink) would degrade every viewer already on it, not just the new one.
    const best = this.#clients.place(this.#workers, who === 'viewer' && ceiling > 0 ? (w) => live(w) && this.clientsOn(w) < ceiling : live);
    if (best) return best;
    if (this.#workers.some(live)) throw new AppError('SERVER_FULL', 'this server has as many viewers as it can take: try again in a few minutes');
    throw new AppError('INVALID_STATE', 'the media workers are restarting: try again in a moment');
  }

  /** Gives back the place of a client from {@link placeClient}. */
  release(worker: MediaWorker): void {
    this.#clients.release(worker);
  }

  /** Clients placed on `worker` and not yet released. */
  clientsOn(worker: MediaWorker): number {
    return this.#clients.clientsOn(worker);
  }

  /**
   * Makes `producer` (living on `from`) available on `to`, piping it once per router pair and
   * producer. Returns the producer on `to`.
   */
  async pipe(producer: types.Producer, from: types.Router, to: types.Router): Promise<types.Producer> {
    if (from === to) return producer;
    const key = `${producer.id} ${to.id}`;
    let piped = this.#pipes.get(key);
    if (!piped) {
      piped = from.pipeToRouter({ producerId: producer.id, router: to }).then(({ pipeProducer }) => {
        if (!pipeProducer) throw new InvalidStateError(`producer ${producer.id} could not be piped`);
        pipeProducer.observer.once('close', () => this.#pipes.delete(key));
        return pipeProducer;
      });
      piped.catch(() => this.#pipes.delete(key));
      this.#pipes.set(key, piped);
    }
    return piped;
  }

  /**
   * Calls `step` with the new ingest worker whenever the old one died and was replaced, in `stage`
   * (stages run one after another; steps of one stage in the order they were added). The one way
   * a service follows the ingest worker; returns the function that stops following.
   */
  followIngest(stage: RecoveryStage, step: RecoveryStep): () => void {
    const steps = this.#recovery.get(stage)!;
    steps.add(step);
    return () => void steps.delete(step);
  }

  /** Closes every worker. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#workers) w.worker.close();
    this.#pipes.clear();
    this.#clients.clear();
  }

  async #createWorker(index: number): Promise<MediaWorker> {
    const { workers, portRange, logger } = this.#options;
    const span = Math.floor((portRange[1] - portRange[0] + 1) / workers);
    const worker = await mediasoup.createWorker({
      logLevel: 'warn',
      rtcMinPort: portRange[0] + index * span,
      rtcMaxPort: portRange[0] + (index + 1) * span - 1,
      appData: { index },
    });
    let webRtcServer: types.WebRtcServer;
    try {
      webRtcServer = await this.#openWebRtcServer(worker, index);
    } catch (error) {
      worker.close();
      throw error;
    }
    const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const mediaWorker: MediaWorker = { index, worker, webRtcServer, router, counts: countRouter(router), cpu: workerCpu(worker) };
    worker.on('died', (error) => {
      logger.error({ err: error, index, pid: worker.pid }, 'mediasoup worker died; replacing it');
      if (this.#closed) return;
      void this.#replace(index);
    });
    this.#followWebRtcServer(mediaWorker);
    logger.info({ index, pid: worker.pid, port: this.#options.rtcPort + index }, 'mediasoup worker ready');
    return mediaWorker;
  }

  /** Worker `index`'s WebRTC server, on UDP and TCP port `rtcPort + index`. */
  async #openWebRtcServer(worker: types.Worker, index: number): Promise<types.WebRtcServer> {
    const { rtcPort, listenIp, announcedIp } = this.#options;
    const port = rtcPort + index;
    try {
      return await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip: listenIp, announcedIp, port },
          { protocol: 'tcp', ip: listenIp, announcedIp, port },
        ],
      });
    } catch (error) {
      if (String(error).includes('already in use')) {
        throw new StartupError(`RTC port ${port} (UDP and TCP, worker ${index}) is already in use: stop the other process or set RTC_PORT`);
      }
      throw error;
    }
  }

  /**
   * A WebRtcServer closed under a live worker (by anything but this pool's close or the worker's
   * own end) takes the WebRTC transports on it along, and their clients are told their media is
   * lost (MediaClient). The worker stays, with its router and what is ingested and piped there:
   * it gets a new server on the same port and its slot a MediaWorker with it, where clients are
   * placed again. (mediasoup 3.12.16 itself aborted the whole worker here until the build patched
   * it: server/setup/worker-patches/0002.)
   */
  #followWebRtcServer(mediaWorker: MediaWorker): void {
    mediaWorker.webRtcServer.observer.once('close', () => {
      const { worker, index } = mediaWorker;
      if (this.#closed || worker.closed || worker.died || this.#workers[index] !== mediaWorker) return;
      this.#options.logger.warn({ index, pid: worker.pid }, 'WebRTC server closed under a live mediasoup worker; opening a new one');
      void this.#reopenWebRtcServer(mediaWorker);
    });
  }

  async #reopenWebRtcServer(old: MediaWorker): Promise<void> {
    const { worker, index } = old;
    for (let attempt = 1; !this.#closed && !worker.closed; attempt++) {
      try {
        const webRtcServer = await this.#openWebRtcServer(worker, index);
        if (this.#closed || worker.closed || this.#workers[index] !== old) {
          webRtcServer.close();
          return;
        }
        // The same worker and router (their counts go on), with the new server.
        const renewed: MediaWorker = { ...old, webRtcServer };
        this.#clients.forget(old);
        this.#workers[index] = renewed;
        this.#followWebRtcServer(renewed);
        this.#options.logger.info({ index, pid: worker.pid }, 'new WebRTC server open on the mediasoup worker');
        return;
      } catch (error) {
        this.#options.logger.error({ err: error, index, attempt }, 'could not open a new WebRTC server on the mediasoup worker');
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
      }
    }
  }

  async #replace(index: number): Promise<void> {
    for (let attempt = 1; !this.#closed; attempt++) {
      try {
        const replacement = await this.#createWorker(index);
        if (this.#closed) {
          replacement.worker.close();
          return;
        }
        this.#clients.forget(this.#workers[index]!);
        this.#workers[index] = replacement;
        if (index === 0) await this.#recoverIngest(replacement);
        return;
      } catch (error) {
        this.#options.logger.error({ err: error, index, attempt }, 'could not replace mediasoup worker');
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
      }
    }
  }

  /** Runs every service's recovery step on the new ingest worker; the first that fails stops the rest. */
  async #recoverIngest(worker: MediaWorker): Promise<void> {
    try {
      for (const stage of RECOVERY_STAGES) for (const step of [...this.#recovery.get(stage)!]) if (!this.#closed) await step(worker);
      if (!this.#closed) this.#options.logger.info('channels restored on the replaced media worker');
    } catch (err) {
      this.#options.logger.error({ err }, 'cannot restore the channels on the replaced media worker');
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError('worker pool is closed');
  }
}
