import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/** Where a relay listens or sends. */
export interface UdpAddress {
  ip: string;
  port: number;
}

/** What {@link UdpRelay.impair} does to every datagram, each way. */
export interface Impairment {
  /** Share of datagrams dropped at random, 0-100. */
  lossPercent: number;
  /** Added one-way delay, in ms (order kept: every datagram waits the same). */
  delayMs: number;
}

/**
 * A UDP relay standing in for the network between browsers and the SFU: it forwards each client's
 * datagrams to `target` from a socket of its own, and the answers back. `cut()` breaks the paths of
 * the clients seen so far for good (as when a viewer's network changes), while new paths still work.
 * `impair()` drops and delays datagrams as a lossy, distant link would (this kernel has no netem).
 */
export class UdpRelay {
  readonly #front: Socket;
  readonly #target: UdpAddress;
  readonly #paths = new Map<string, Socket>();
  readonly #dead = new Set<string>();
  #impairment: Impairment = { lossPercent: 0, delayMs: 0 };
  /** Datagrams dropped by {@link impair} so far, both ways. */
  dropped = 0;
  #closed = false;

  private constructor(front: Socket, target: UdpAddress) {
    this.#front = front;
    this.#target = target;
    front.on('message', (message, from) => this.#fromClient(message, from));
  }

  /** Listens on `listen` and relays to `target`. */
  static async start(listen: UdpAddress, target: UdpAddress): Promise<UdpRelay> {
    const front = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      front.once('error', reject);
      front.bind(listen.port, listen.ip, () => resolve());
    });
    return new UdpRelay(front, target);
  }

  /** How many client addresses (ip:port) have sent through the relay. */
  get paths(): number {
    return this.#paths.size;
  }

  /** Drops every datagram of the paths seen so far, both ways, from now on. */
  cut(): void {
    for (const key of this.#paths.keys()) this.#dead.add(key);
  }

  /** Drops `lossPercent` of the datagrams at random and delays the rest by `delayMs`, both ways, from now on. */
  impair(impairment: Impairment): void {
    this.#impairment = impairment;
  }

  /** Sends through the impairment: maybe dropped, maybe late. */
  #pass(send: () => void): void {
    const { lossPercent, delayMs } = this.#impairment;
    if (lossPercent > 0 && Math.random() * 100 < lossPercent) {
      this.dropped++;
      return;
    }
    if (delayMs > 0) setTimeout(() => !this.#closed && send(), delayMs);
    else send();
  }

  /** Stops relaying. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#front.close();
    for (const socket of this.#paths.values()) socket.close();
    this.#paths.clear();
  }

  #fromClient(message: Buffer, from: RemoteInfo): void {
    const key = `${from.address}:${from.port}`;
    if (this.#closed || this.#dead.has(key)) return;
    let upstream = this.#paths.get(key);
    if (!upstream) {
      upstream = createSocket('udp4');
      upstream.bind(0, '127.0.0.1');
      upstream.on('message', (answer) => {
        if (!this.#closed && !this.#dead.has(key)) this.#pass(() => this.#front.send(answer, from.port, from.address));
      });
      this.#paths.set(key, upstream);
    }
    const path = upstream;
    this.#pass(() => path.send(message, this.#target.port, this.#target.ip));
  }
}
