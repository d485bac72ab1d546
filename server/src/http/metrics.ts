import { Counter, Gauge, Registry } from 'prom-client';
import type { MediaWorker, WorkerPool } from '../media/WorkerPool';
import type { ChannelRegistry } from '../program/ChannelRegistry';
import type { FeedRegistry } from '../studios/FeedRegistry';

/** What the operators' metrics are read from. */
export interface MetricsSources {
  pool: WorkerPool;
  feeds: FeedRegistry;
  channels: ChannelRegistry;
  /** Caption cue revisions stored so far. */
  storedCues: () => Promise<number>;
  /** Connected socket.io clients. */
  sockets: () => number;
  /** Clients whose connection dropped, their media held for the grace period. */
  heldSessions: () => number;
  /** HLS video and audio segments served. */
  hlsSegmentsServed: () => number;
}

/**
 * The server's state for Prometheus (prom-client, text format 0.0.4): workers, routers,
 * transports, producers, consumers, clients, feeds with their bitrate, caption cues and sockets.
 * Counts of what lives on the routers are kept in Node ({@link MediaWorker.counts}); the one thing
 * asked of a worker, its CPU time, is asked at most once a second ({@link MediaWorker.cpu}), so a
 * loop of scrapes cannot load the media threads.
 */
export class ServerMetrics {
  readonly registry = new Registry();

  constructor({ pool, feeds, channels, storedCues, sockets, heldSessions, hlsSegmentsServed }: MetricsSources) {
    const registers = [this.registry];
    const alive = (w: MediaWorker) => !w.worker.died && !w.worker.closed;
    const perWorker = (name: string, help: string, value: (w: MediaWorker) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['worker'],
        registers,
        collect() {
          this.reset();
          for (const w of pool.workers) this.set({ worker: w.index }, alive(w) ? value(w) : 0);
        },
      });
    const single = (name: string, help: string, value: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(value());
        },
      });

    perWorker('hybrid_stage_worker_up', 'Whether the mediasoup worker runs (1) or has died (0).', () => 1);
    new Counter({
      name: 'hybrid_stage_worker_cpu_seconds_total',
      help: 'CPU time used by the mediasoup worker.',
      labelNames: ['worker'],
      registers,
      async collect() {
        const ms = await Promise.all(pool.workers.map((w) => (alive(w) ? w.cpu.read() : 0)));
        this.reset();
        pool.workers.forEach((w, i) => this.inc({ worker: w.index }, ms[i]! / 1000));
      },
    });
    perWorker('hybrid_stage_worker_clients', 'Clients placed on the worker.', (w) => pool.clientsOn(w));
    single('hybrid_stage_routers', 'mediasoup routers.', () => pool.workers.filter(alive).length);
    perWorker('hybrid_stage_transports', 'Transports on the worker router (WebRTC, plain, pipe, direct).', (w) => w.counts.transports);
    perWorker('hybrid_stage_producers', 'Producers on the worker router that have consumers or none.', (w) => w.counts.producers);
    perWorker('hybrid_stage_consumers', 'Consumers on the worker router.', (w) => w.counts.consumers);
    single('hybrid_stage_feeds', 'Live feeds.', () => feeds.list().length);
    new Gauge({
      name: 'hybrid_stage_feed_bitrate_bits_per_second',
      help: 'Bitrate received from each feed over the last second.',
      labelNames: ['feed', 'studio'],
      registers,
      collect() {
        this.reset();
        const studioOf = new Map(feeds.list().map((f) => [f.id, f.studioId]));
        for (const h of channels.health()) this.set({ feed: h.feedId, studio: studioOf.get(h.feedId) ?? '' }, h.bitrate);
      },
    });
    new Gauge({
      name: 'hybrid_stage_feed_stalled',
      help: 'Whether the feed sent no packets for a second.',
      labelNames: ['feed'],
      registers,
      collect() {
        this.reset();
        for (const h of channels.health()) this.set({ feed: h.feedId }, h.stalled ? 1 : 0);
      },
    });
    new Counter({
      name: 'hybrid_stage_caption_cues_total',
      help: 'Caption cue revisions stored.',
      registers,
      async collect() {
        const stored = await storedCues();
        this.reset();
        this.inc(stored);
      },
    });
    new Counter({
      name: 'hybrid_stage_hls_segments_served_total',
      help: 'HLS video and audio segments served by this node (behind a cache, about one per segment).',
      registers,
      collect() {
        this.reset();
        this.inc(hlsSegmentsServed());
      },
    });
    single('hybrid_stage_sockets', 'Connected socket.io clients.', sockets);
    single('hybrid_stage_held_sessions', 'Clients whose connection dropped, their media held for the grace period.', heldSessions);
  }

  /** The exposition, in Prometheus' text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
