import { clientOf } from '../limits/ClientRateLimits';
import type { ConsumerBudget } from '../media/MediaClient';

/** What one client address may hold of this node at once (settings SOCKETS_PER_ADDRESS, CONSUMERS_PER_ADDRESS). */
export interface AddressCaps {
  sockets: number;
  consumers: number;
}

/**
 * Sockets and consumers held per client address (an IPv4 address, or an IPv6 /64: see clientOf),
 * so one machine cannot open thousands of connections, each with its 64 consumers, and take every
 * worker's capacity. Counts what is open, not a rate: a closed socket or consumer gives its place
 * back. Per node, since what it protects (workers, file descriptors) is per node; a cluster's
 * nodes each take their caps.
 */
export class AddressLoad {
  readonly #caps: AddressCaps;
  readonly #sockets = new Map<string, number>();
  readonly #consumers = new Map<string, number>();

  constructor(caps: AddressCaps) {
    this.#caps = caps;
  }

  /** Counts a new socket from `address`; false (nothing counted) when the address holds its cap already. */
  openSocket(address: string): boolean {
    return take(this.#sockets, clientOf(address), this.#caps.sockets);
  }

  /** Gives back a socket from {@link openSocket}. */
  closeSocket(address: string): void {
    give(this.#sockets, clientOf(address));
  }

  /** The consumers of clients at `address`, taken one at a time up to the cap. */
  consumerBudget(address: string): ConsumerBudget {
    const client = clientOf(address);
    return {
      take: () => take(this.#consumers, client, this.#caps.consumers),
      release: () => give(this.#consumers, client),
    };
  }
}

/** Counts one more for `key`; false (nothing counted) when it holds `cap` already. */
function take(counts: Map<string, number>, key: string, cap: number): boolean {
  const held = counts.get(key) ?? 0;
  if (held >= cap) return false;
  counts.set(key, held + 1);
  return true;
}

/** Counts one less for `key`. */
function give(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 0) - 1;
  // Addresses holding nothing are forgotten, so the maps hold only the addresses connected now.
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}
