import type { types } from 'mediasoup';
import { AppError } from '../errors';

/**
 * The WebRTC viewers this node takes (MAX_WEBRTC_VIEWERS): one seat per viewer's program picture
 * (its video consumer), held until that consumer closes. Past the limit a viewer is refused with
 * SERVER_FULL and its watch page plays HLS instead; producers, studios, guests and captioners are
 * never counted or refused (they need real time).
 */
export class ViewerSeats {
  readonly #held = new Set<string>();
  /** Seats taken by joins still under way, so a storm of joins cannot all pass the check at once. */
  #reserved = 0;

  /** `max` undefined: no limit. */
  constructor(readonly max: number | undefined) {}

  /** Viewers watching a program over WebRTC on this node now. */
  get count(): number {
    return this.#held.size;
  }

  /**
   * Takes a seat for a join, or SERVER_FULL when the node is full; `join` returns the video
   * consumer that holds it (the seat goes back when the join fails or that consumer closes).
   */
  async seat<T>(join: () => Promise<{ result: T; video: types.Consumer | undefined }>): Promise<T> {
    if (this.max !== undefined && this.#held.size + this.#reserved >= this.max) {
      throw new AppError('SERVER_FULL', `this server carries its ${this.max} WebRTC viewers (MAX_WEBRTC_VIEWERS): watch over HLS`);
    }
    this.#reserved++;
    try {
      const { result, video } = await join();
      if (video && !video.closed) {
        this.#held.add(video.id);
        video.observer.once('close', () => this.#held.delete(video.id));
      }
      return result;
    } finally {
      this.#reserved--;
    }
  }
}
