import { RateLimiter } from '../signaling/RateLimiter';

/** How many clients' buckets are kept before the oldest are forgotten (bounds memory under a flood of addresses). */
const MAX_CLIENTS = 10_000;

/** A token bucket per client address: `perMinute` requests, all of them at once at most. */
export class ClientRateLimits {
  readonly #buckets = new Map<string, RateLimiter>();

  constructor(readonly perMinute: number) {}

  /** Takes one request from `client`'s bucket; false when it is empty. */
  take(client: string): boolean {
    let bucket = this.#buckets.get(client);
    if (!bucket) {
      if (this.#buckets.size >= MAX_CLIENTS) this.#buckets.delete(this.#buckets.keys().next().value!);
      bucket = new RateLimiter(this.perMinute / 60, this.perMinute);
      this.#buckets.set(client, bucket);
    }
    return bucket.take();
  }
}
