/**
 * An edge's programs: each channel its viewers watch is piped once from the origin
 * ({@link EdgeRelay}) onto the edge's first worker, and fanned out to its other workers with
 * `pipeToRouter` as each viewer's consumer needs it (WorkerPool.pipe). The pipe is asked for when
 * the first viewer of the channel arrives, and let go once the edge has had no viewer of it for a
 * grace time (a viewer who reloads, or the next one, finds it open). When the origin reports the
 * pipe lost (its bus was rebuilt), the edge closes its half, which closes the viewers' consumers
 * (they are told and consume again), and asks again at once if it had viewers.
 */
import type { types } from 'mediasoup';
import type { MediaKind } from '@hybrid-stage/shared';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { WorkerPool } from '../media/WorkerPool';
import { EdgeRelay, type PipeListen, type RelayAnswer, type RelayRequest } from './ProgramRelay';

/** What an edge's viewers consume a channel's program from. */
export interface EdgeProgram {
  router: types.Router;
  producers: Readonly<Record<MediaKind, types.Producer>>;
  /** Counts `consumer` as a viewer of the channel until it closes. */
  hold(consumer: types.Consumer): void;
}

export interface EdgeProgramsOptions {
  pool: WorkerPool;
  listen: PipeListen;
  nodeId: string;
  /** Asks the origin for a channel's program (a request between nodes). */
  ask: (request: RelayRequest) => Promise<RelayAnswer>;
  /** Tells the origin the edge no longer needs a channel's pipe. */
  release: (channelId: string) => void;
  /** How long a pipe stays open with no viewer. */
  graceMs: number;
  logger: Logger;
}

interface Channel {
  /** The open (or opening) pipe. */
  relay: Promise<EdgeRelay> | undefined;
  /** This edge's consumers of the channel's video (one per viewer). */
  viewers: number;
  idle: NodeJS.Timeout | undefined;
}

export class EdgePrograms {
  readonly #options: EdgeProgramsOptions;
  readonly #channels = new Map<string, Channel>();
  #closed = false;

  constructor(options: EdgeProgramsOptions) {
    this.#options = options;
  }

  /** The program of `channelId` on this edge, piped from the origin on first use. */
  async program(channelId: string): Promise<EdgeProgram> {
    if (this.#closed) throw new AppError('INVALID_STATE', 'this node is stopping');
    let channel = this.#channels.get(channelId);
    if (!channel) {
      channel = { relay: undefined, viewers: 0, idle: undefined };
      this.#channels.set(channelId, channel);
    }
    const entry = channel;
    entry.relay ??= this.#open(channelId, entry);
    const relay = await entry.relay;
    // Asked for and not (yet) watched, e.g. a consume that then failed: let go after the grace time.
    if (entry.viewers === 0) this.#idle(channelId, entry);
    return {
      router: this.#options.pool.ingest.router,
      producers: relay.producers,
      hold: (consumer) => {
        if (consumer.kind !== 'video') return;
        entry.viewers++;
        clearTimeout(entry.idle);
        entry.idle = undefined;
        consumer.observer.once('close', () => {
          entry.viewers--;
          if (entry.viewers === 0) this.#idle(channelId, entry);
        });
      },
    };
  }

  /** The origin's half of a channel's pipe closed (a rebuilt bus): close ours and, with viewers, ask again. */
  lost(channelId: string): void {
    const channel = this.#channels.get(channelId);
    if (!channel?.relay) return;
    this.#options.logger.info({ channel: channelId }, "the origin's pipe closed; asking for the program again");
    const hadViewers = channel.viewers > 0;
    const relay = channel.relay;
    channel.relay = undefined;
    void relay.then((r) => r.close(), () => undefined);
    if (hadViewers) void this.program(channelId).catch((err: unknown) => this.#options.logger.warn({ err, channel: channelId }, 'cannot pipe the program again yet'));
  }

  /** A new origin took over (the old one is gone with its halves): every pipe is lost. */
  originChanged(): void {
    for (const channelId of [...this.#channels.keys()]) this.lost(channelId);
  }

  /** Closes every pipe (the origin closes its halves when this node leaves the registry or says so). Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [channelId, channel] of this.#channels) {
      clearTimeout(channel.idle);
      if (channel.relay) {
        void channel.relay.then((r) => r.close(), () => undefined);
        this.#options.release(channelId);
      }
    }
    this.#channels.clear();
  }

  #open(channelId: string, channel: Channel): Promise<EdgeRelay> {
    const { pool, listen, nodeId, ask, logger } = this.#options;
    const opening = EdgeRelay.open(pool.ingest.router, listen, channelId, nodeId, ask);
    opening.then(
      (relay) => {
        if (this.#closed) return relay.close();
        logger.info({ channel: channelId }, 'program piped from the origin');
        // Closed by the worker's death or by lost(): forget it, so the next viewer asks again.
        relay.onClose(() => {
          if (channel.relay === opening) channel.relay = undefined;
        });
      },
      () => {
        if (channel.relay === opening) channel.relay = undefined;
      },
    );
    return opening;
  }

  #idle(channelId: string, channel: Channel): void {
    clearTimeout(channel.idle);
    channel.idle = setTimeout(() => {
      channel.idle = undefined;
      if (channel.viewers > 0 || !channel.relay || this.#closed) return;
      const relay = channel.relay;
      channel.relay = undefined;
      void relay.then((r) => r.close(), () => undefined);
      this.#options.release(channelId);
      this.#options.logger.info({ channel: channelId }, 'no viewer of the channel left here: pipe released');
    }, this.#options.graceMs);
    channel.idle.unref();
  }
}
