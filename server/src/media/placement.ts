/**
 * Where the next client goes: the live worker with the fewest clients placed on it; on a tie the
 * first in pool order (so the ingest worker, index 0, takes the first client of an idle pool).
 * Undefined when no worker is live. Pure, so the choice is unit-tested without mediasoup.
 */
export function leastLoadedWorker<W>(workers: readonly W[], isLive: (worker: W) => boolean, clientsOn: (worker: W) => number): W | undefined {
  let best: W | undefined;
  for (const worker of workers) {
    if (!isLive(worker)) continue;
    if (best === undefined || clientsOn(worker) < clientsOn(best)) best = worker;
  }
  return best;
}

/**
 * Clients placed on each worker and not yet released. Clients are counted as they are placed
 * (their consumers come later), so a join storm is spread evenly. A worker that died and was
 * replaced is forgotten: its clients' releases, which come later, change nothing, and its
 * replacement starts empty.
 */
export class ClientPlacement<W> {
  readonly #clients = new Map<W, number>();

  /** Places a client on the least loaded of `workers` (see {@link leastLoadedWorker}) and counts it. */
  place(workers: readonly W[], isLive: (worker: W) => boolean): W | undefined {
    const best = leastLoadedWorker(workers, isLive, (w) => this.clientsOn(w));
    if (best !== undefined) this.#clients.set(best, this.clientsOn(best) + 1);
    return best;
  }

  /** Gives back a place from {@link place}; nothing for a forgotten worker or one with none left. */
  release(worker: W): void {
    const clients = this.#clients.get(worker);
    if (clients) this.#clients.set(worker, clients - 1);
  }

  /** Drops a worker that is gone, with its count. */
  forget(worker: W): void {
    this.#clients.delete(worker);
  }

  clientsOn(worker: W): number {
    return this.#clients.get(worker) ?? 0;
  }

  clear(): void {
    this.#clients.clear();
  }
}
