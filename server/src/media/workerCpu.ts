import type { types } from 'mediasoup';

/** A worker's CPU time is asked of it at most this often, however often it is read. */
const CPU_CACHE_MS = 1000;
/** ...and waited for at most this long: mediasoup's requests have no timeout of their own. */
const CPU_ANSWER_MS = 1000;

/** A media worker's CPU time, for the metrics and the node's load. */
export interface WorkerCpu {
  /**
   * CPU milliseconds the worker has used (user + system). Asks the worker at most once a second,
   * however many read it, and never waits more than a second or fails: a worker that does not
   * answer, or has died, gives the last figure it gave.
   */
  read(): Promise<number>;
}

export function workerCpu(worker: types.Worker): WorkerCpu {
  let last = 0;
  let asked: { at: number; ms: Promise<number> } | undefined;
  return {
    read() {
      if (asked && Date.now() - asked.at < CPU_CACHE_MS) return asked.ms;
      const answer = worker.getResourceUsage().then(
        (usage) => (last = usage.ru_utime + usage.ru_stime),
        () => last,
      );
      const late = new Promise<number>((resolve) => setTimeout(() => resolve(last), CPU_ANSWER_MS).unref());
      asked = { at: Date.now(), ms: Promise.race([answer, late]) };
      return asked.ms;
    },
  };
}
