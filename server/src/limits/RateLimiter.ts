/**
 * A token bucket: `burst` requests at once, refilled at `perSecond`.
 *
 * Kept by hand rather than taken from rate-limiter-flexible (checked at 11.4.0): that library's
 * limiters, in memory or in Redis, count fixed windows (`points` per `duration`, all given back
 * at the window's end), and it has no bucket that refills continuously. A window cannot say "100
 * at once, then 50 a second": 100 per 2 s lets 200 through across a window's edge and then refuses
 * everything for up to 2 s, where the bucket lets a client go on at 50 a second; this file's test
 * and ClientRateLimits' (one more registration 20 s after a minute's allowance is spent) fail with
 * it. The per-connection bucket has nothing to share between nodes in any case (a socket lives on
 * one node) and sits on every request's path, where a Redis store would add a round trip.
 */
export class RateLimiter {
  #tokens: number;
  #last = performance.now();

  constructor(
    readonly perSecond: number,
    readonly burst: number,
  ) {
    this.#tokens = burst;
  }

  /** Takes `n` tokens (one request, or a batch of `n` items); false, taking none, when the bucket holds fewer. */
  take(n = 1): boolean {
    const now = performance.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.perSecond);
    this.#last = now;
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }
}
