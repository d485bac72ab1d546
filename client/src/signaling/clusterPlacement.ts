import { Manager, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { Placement } from '@hybrid-stage/shared';

/** Nodes a page reports as failed at most (the server takes eight). */
const MAX_FAILED = 8;
/**
 * How long a node that failed the page is reported: longer than a registry record outlives its
 * node (6 s), after which placement no longer offers a dead node anyway; a node that only blinked
 * is offered again.
 */
const FAILED_FOR_MS = 15_000;
/** How long one placement request may take before the next node is asked. */
const ASK_TIMEOUT_MS = 2000;

/** Where socket.io's engine connects to reach the node at `url` (engine.io's own options). */
function endpointOf(url: string): Pick<ManagerOptions, 'hostname' | 'port' | 'secure'> {
  const { protocol, hostname, port } = new URL(url);
  const secure = protocol === 'https:';
  // The engine brackets an IPv6 address itself.
  return { hostname: hostname.replace(/^\[(.*)\]$/, '$1'), port: port || (secure ? '443' : '80'), secure };
}

/**
 * A socket to the node `placement` names, whose connection {@link ClusterPlacement} can move: its
 * manager is made from options, not a URL, so its engine reads where to connect from the manager's
 * (public) `opts` at each connection (a URL given to the manager is fixed for good).
 */
export function placedSocket(placement: Placement, options: Partial<ManagerOptions & SocketOptions>): Socket {
  return new Manager({ ...options, ...endpointOf(placement.url) }).socket('/', options);
}

/**
 * A watch page's node in a cluster: the server placed it (`ServedPage.placement`) and its socket
 * (and so its media) connects there. When that node goes away (its connection drops, it said it is
 * stopping) or refuses the viewer as full, the page asks for placement again, naming the nodes
 * that failed it so it need not wait for their registry records to expire, and the socket
 * reconnects to the answer: the server then starts a new session there, and what the page watched
 * joins again by itself (PageMedia, useWatch).
 */
export class ClusterPlacement {
  #current: Placement;
  /** Nodes that failed this page, with when. */
  readonly #failed = new Map<string, number>();
  readonly #socket: Socket;
  #moving: Promise<void> | undefined;

  /** `socket`: one {@link placedSocket} made. */
  constructor(socket: Socket, placement: Placement) {
    this.#socket = socket;
    this.#current = placement;
    socket.on('disconnect', (reason) => {
      // The page itself closed the connection (it is going away, or it moves on purpose).
      if (reason === 'io client disconnect') return;
      void this.moveOff();
    });
    // The placed node cannot be reached at all (a refusal carries a code and is not a node failing).
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      if (!error.data?.code) void this.moveOff();
    });
  }

  /** The node this page watches from. */
  get node(): string {
    return this.#current.node;
  }

  /**
   * Leaves the current node for the one placement answers now; the socket reconnects there (at
   * once when it is up, else at its next attempt). One move at a time.
   */
  moveOff(): Promise<void> {
    this.#moving ??= this.#move().finally(() => (this.#moving = undefined));
    return this.#moving;
  }

  async #move(): Promise<void> {
    const now = Date.now();
    this.#failed.set(this.#current.node, now);
    for (const [node, at] of this.#failed) if (now - at > FAILED_FOR_MS) this.#failed.delete(node);
    const next = await this.#ask();
    if (!next) return; // nobody answered: the socket keeps retrying where it was, and a later drop asks again
    this.#current = next;
    // The manager's engine connects where its options say at each connection (placedSocket):
    // pointing them at the new node moves the connection there, with every listener of the page's
    // socket kept. Reconnecting at once rather than at the manager's next attempt (it backs off)
    // saves up to a few seconds.
    Object.assign(this.#socket.io.opts, endpointOf(next.url));
    this.#socket.disconnect().connect();
  }

  /** Asks this page's own server first, then the other nodes it knows, for where to watch now. */
  async #ask(): Promise<Placement | undefined> {
    const query = new URLSearchParams({ failed: [...this.#failed.keys()].slice(-MAX_FAILED).join(',') });
    const region = new URLSearchParams(location.search).get('region');
    if (region) query.set('region', region);
    const bases = [location.origin, ...this.#current.nodes.filter((url) => new URL(url).origin !== location.origin)];
    for (const base of bases) {
      try {
        const response = await fetch(`${base}/api/placement?${query}`, { signal: AbortSignal.timeout(ASK_TIMEOUT_MS), cache: 'no-store' });
        if (response.ok) return (await response.json()) as Placement;
      } catch {
        // that node is gone too: ask the next
      }
    }
    return undefined;
  }
}
