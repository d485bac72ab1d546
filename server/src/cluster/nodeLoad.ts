/** How busy this node is, measured from its media workers and sockets for the node registry. */
import type { NodeLoad } from '@hybrid-stage/shared';
import type { WorkerPool } from '../media/WorkerPool';

/**
 * A function that measures the node's load each time it is called: the workers' CPU is the mean,
 * over the workers running, of the CPU time each used since the previous call divided by the wall
 * time (0..1, a worker being one thread on one core); clients and consumers are counted now, in
 * Node ({@link MediaWorker.counts}). Nothing here waits on a worker for more than a second
 * ({@link MediaWorker.cpu}), so the registry's heartbeat cannot hang on a stuck one.
 */
export function nodeLoadMeter(pool: WorkerPool, sockets: () => number): () => Promise<NodeLoad> {
  /** A worker's CPU milliseconds at the previous call, by process id (a replaced worker starts anew). */
  let previous = new Map<number, { cpuMs: number; at: number }>();
  return async () => {
    const running = pool.workers.filter((w) => !w.worker.died && !w.worker.closed);
    const now = performance.now();
    const next = new Map<number, { cpuMs: number; at: number }>();
    const measured = await Promise.all(
      running.map(async (w) => {
        const cpuMs = await w.cpu.read();
        const before = previous.get(w.worker.pid);
        next.set(w.worker.pid, { cpuMs, at: now });
        const cpu = before && now > before.at ? Math.max(0, (cpuMs - before.cpuMs) / (now - before.at)) : 0;
        return { cpu, consumers: w.counts.consumers, clients: pool.clientsOn(w) };
      }),
    );
    previous = next;
    const sum = (pick: (m: (typeof measured)[number]) => number) => measured.reduce((total, m) => total + pick(m), 0);
    return {
      cpu: measured.length ? Math.min(64, Math.round((sum((m) => m.cpu) / measured.length) * 1000) / 1000) : 0,
      workers: measured.length,
      viewers: sum((m) => m.clients),
      consumers: sum((m) => m.consumers),
      sockets: sockets(),
    };
  };
}
