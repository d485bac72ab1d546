import type { WorkerPool } from '../media/WorkerPool';
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
}

interface Sample {
  labels?: Record<string, string | number>;
  value: number;
}

/** A label value in Prometheus' text format: backslash, quote and newline escaped. */
function labelValue(value: string | number): string {
  return String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function family(name: string, type: 'gauge' | 'counter', help: string, samples: Sample[]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const { labels, value } of samples) {
    const pairs = Object.entries(labels ?? {}).map(([k, v]) => `${k}="${labelValue(v)}"`);
    lines.push(`${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${Number.isFinite(value) ? value : 0}`);
  }
  return lines.join('\n');
}

/**
 * The server's state in Prometheus' text exposition format (version 0.0.4): workers, routers,
 * transports, producers, consumers, clients, feeds with their bitrate, caption cues and sockets.
 */
export async function renderMetrics({ pool, feeds, channels, storedCues, sockets, heldSessions }: MetricsSources): Promise<string> {
  const perWorker = await Promise.all(
    pool.workers.map(async (w) => {
      const alive = !w.worker.died && !w.worker.closed;
      if (!alive) return { w, alive, transports: 0, producers: 0, consumers: 0, cpuSeconds: 0 };
      const [router, usage] = await Promise.all([w.router.dump(), w.worker.getResourceUsage()]);
      const map = (router.mapProducerIdConsumerIds ?? {}) as Record<string, string[]>;
      return {
        w,
        alive,
        transports: (router.transportIds as string[]).length,
        producers: Object.keys(map).length,
        consumers: Object.values(map).reduce((sum, ids) => sum + ids.length, 0),
        cpuSeconds: (usage.ru_utime + usage.ru_stime) / 1000,
      };
    }),
  );
  const worker = (x: { w: { index: number } }) => ({ worker: x.w.index });
  const health = channels.health();
  const studioOf = new Map(feeds.list().map((f) => [f.id, f.studioId]));
  const text = [
    family('hybrid_stage_worker_up', 'gauge', 'Whether the mediasoup worker runs (1) or has died (0).', perWorker.map((x) => ({ labels: worker(x), value: x.alive ? 1 : 0 }))),
    family('hybrid_stage_worker_cpu_seconds_total', 'counter', 'CPU time used by the mediasoup worker.', perWorker.map((x) => ({ labels: worker(x), value: x.cpuSeconds }))),
    family('hybrid_stage_worker_clients', 'gauge', 'Clients placed on the worker.', perWorker.map((x) => ({ labels: worker(x), value: pool.clientsOn(x.w) }))),
    family('hybrid_stage_routers', 'gauge', 'mediasoup routers.', [{ value: perWorker.filter((x) => x.alive).length }]),
    family('hybrid_stage_transports', 'gauge', 'Transports on the worker router (WebRTC, plain, pipe, direct).', perWorker.map((x) => ({ labels: worker(x), value: x.transports }))),
    family('hybrid_stage_producers', 'gauge', 'Producers on the worker router that have consumers or none.', perWorker.map((x) => ({ labels: worker(x), value: x.producers }))),
    family('hybrid_stage_consumers', 'gauge', 'Consumers on the worker router.', perWorker.map((x) => ({ labels: worker(x), value: x.consumers }))),
    family('hybrid_stage_feeds', 'gauge', 'Live feeds.', [{ value: feeds.list().length }]),
    family(
      'hybrid_stage_feed_bitrate_bits_per_second',
      'gauge',
      'Bitrate received from each feed over the last second.',
      health.map((h) => ({ labels: { feed: h.feedId, studio: studioOf.get(h.feedId) ?? '' }, value: h.bitrate })),
    ),
    family('hybrid_stage_feed_stalled', 'gauge', 'Whether the feed sent no packets for a second.', health.map((h) => ({ labels: { feed: h.feedId }, value: h.stalled ? 1 : 0 }))),
    family('hybrid_stage_caption_cues_total', 'counter', 'Caption cue revisions stored.', [{ value: await storedCues() }]),
    family('hybrid_stage_sockets', 'gauge', 'Connected socket.io clients.', [{ value: sockets() }]),
    family('hybrid_stage_held_sessions', 'gauge', 'Clients whose connection dropped, their media held for the grace period.', [{ value: heldSessions() }]),
  ];
  return `${text.join('\n')}\n`;
}
