import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/** Where a relay listens or sends. */
export interface UdpAddress {
  ip: string;
  port: number;
}

/**
 * A UDP relay standing in for the network between browsers and the SFU: it forwards each client's
 * datagrams to `target` from a socket of its own, and the answers back. `cut()` breaks the paths of
 * the clients seen so far for good (as when a viewer's network changes), while new paths still work.
 */
export class UdpRelay {
  readonly #front: Socket;
  readonly #target: UdpAddress;
  readonly #paths = new Map<string, Socket>();
  readonly #dead = new Set<string>();
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
        if (!this.#closed && !this.#dead.has(key)) this.#front.send(answer, from.port, from.address);
      });
      this.#paths.set(key, upstream);
    }
    upstream.send(message, this.#target.port, this.#target.ip);
  }
}
