import { RateLimiter } from './RateLimiter';

/** How many clients' buckets are kept before the oldest are forgotten (bounds memory under a flood of addresses). */
const MAX_CLIENTS = 10_000;

/**
 * A token bucket per client address: `perMinute` requests, all of them at once at most.
 *
 * Per node: in a cluster an address may use this allowance on every node it reaches. Sharing it
 * through Redis with rate-limiter-flexible would change what viewers see (see RateLimiter: its
 * limiters count fixed windows, so a refused viewer would wait up to a minute instead of a few
 * seconds), so it is left for a Redis bucket of the same shape.
 */
export class ClientRateLimits {
  readonly #buckets = new Map<string, RateLimiter>();

  constructor(readonly perMinute: number) {}

  /** Takes one request (or `n` items) from `address`'s bucket; false when it holds fewer. */
  take(address: string, n = 1): boolean {
    const client = clientOf(address);
    let bucket = this.#buckets.get(client);
    if (!bucket) {
      if (this.#buckets.size >= MAX_CLIENTS) this.#buckets.delete(this.#buckets.keys().next().value!);
      bucket = new RateLimiter(this.perMinute / 60, this.perMinute);
      this.#buckets.set(client, bucket);
    }
    return bucket.take(n);
  }
}

/**
 * Whose bucket an address fills: an IPv4 address is one client; an IPv6 one is its /64, the block
 * a single home or host is given (else one machine would have 2^64 buckets to draw on).
 */
export function clientOf(address: string): string {
  if (!address.includes(':') || address.toLowerCase().startsWith('::ffff:')) return address;
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // "::" stands for as many zero groups as make eight.
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(':')}::/64`;
}

/**
 * Whether two addresses are one client by {@link clientOf}, an IPv4 address written either way
 * (`::ffff:203.0.113.9`, as a dual-stack socket reports it, or `203.0.113.9`, as mediasoup does).
 */
export function sameClient(a: string, b: string): boolean {
  const plain = (address: string) => address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return clientOf(plain(a)) === clientOf(plain(b));
}
