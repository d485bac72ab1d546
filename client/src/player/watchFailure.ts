import { NoAnswerError, RequestError } from '../signaling/SignalingClient';

/**
 * Why joining failed, as a viewer is told: no answer, codecs this browser lacks, no right, a
 * restarting channel, a server with no WebRTC seat left, too many viewers from one network, or anything else.
 */
export type WatchFailure = 'noAnswer' | 'codecs' | 'forbidden' | 'restarting' | 'full' | 'tooMany' | 'other';

/** The failure a join's error stands for (its text is `player.failure.<failure>` in `common`). */
export function watchFailure(error: unknown): WatchFailure {
  if (error instanceof NoAnswerError) return 'noAnswer';
  if (!(error instanceof RequestError)) return 'other';
  if (error.code === 'CANNOT_CONSUME') return 'codecs';
  if (error.code === 'FORBIDDEN' || error.code === 'UNAUTHORIZED') return 'forbidden';
  // No WebRTC seat here (VIEWERS_PER_WORKER, MAX_WEBRTC_VIEWERS): the watch page plays HLS.
  if (error.code === 'SERVER_FULL') return 'full';
  if (error.code === 'RATE_LIMITED') return 'tooMany';
  // A channel's program bus being rebuilt (on a new media worker) refuses joins for a moment.
  return error.code === 'INVALID_STATE' ? 'restarting' : 'other';
}
