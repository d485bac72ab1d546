import { useEffect, useState } from 'react';
import { RequestError } from '../signaling/SignalingClient';
import { watchFailure, type WatchFailure } from './watchFailure';
import { useSignaling } from '../signaling/SignalingContext';
import type { Watch, WatchSource } from '../media/MediaSession';
import { useMediaSession } from './useMediaSession';

/** Where receiving stands, as a viewer would be told. */
export type WatchState =
  | { kind: 'idle' }
  | { kind: 'joining' }
  /** `interrupted`: the network path broke; the last picture stays while the connection is restored. */
  | { kind: 'playing'; watch: Watch; interrupted: boolean }
  /** The signaling connection is down (network, server restart): it comes back by itself. */
  | { kind: 'offline' }
  | { kind: 'ended' }
  /** Joining failed; it is tried again shortly. */
  | { kind: 'error'; failure: WatchFailure };


/** Wait before trying again after a failed join. */
const RETRY_MS = 1500;
/** Wait before joining a channel's rebuilt program again. */
const REJOIN_PROGRAM_MS = 300;
/** How long an ICE restart may take before the player drops the transport and joins again. */
const REJOIN_AFTER_MS = 12_000;

/**
 * Receives `source` while the component is mounted, on the connection's media session. Recovers by
 * itself: an interrupted network path gets an ICE restart (by the session) and, if that does not
 * help, a fresh join; a lost connection joins again when it comes back; a failed join is retried.
 * `revision` changing (a feed that gained a track, a channel back on air) also joins again.
 * `undefined` watches nothing.
 */
export function useWatch(source: WatchSource | undefined, revision = ''): WatchState {
  const session = useMediaSession();
  const signaling = useSignaling();
  const [state, setState] = useState<WatchState>({ kind: source ? 'joining' : 'idle' });
  const [attempt, setAttempt] = useState(0);
  const kind = source?.kind;
  const id = source?.id;
  useEffect(() => {
    if (!kind || !id) {
      setState({ kind: 'idle' });
      return;
    }
    if (!session) {
      setState({ kind: signaling.socket.connected ? 'joining' : 'offline' });
      return;
    }
    let watch: Watch | undefined;
    let alive = true;
    const onBack = () => alive && again(0);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const again = (afterMs: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => alive && setAttempt((a) => a + 1), afterMs);
    };
    setState({ kind: 'joining' });
    session.watch({ kind, id } as WatchSource).then(
      (w) => {
        if (!alive) return w.close();
        watch = w;
        setState({ kind: 'playing', watch: w, interrupted: false });
      },
      (error: unknown) => {
        if (!alive) return;
        const code = error instanceof RequestError ? error.code : 'INTERNAL';
        if (code === 'NOT_FOUND') return setState({ kind: 'ended' });
        // A node of a cluster over its load: the page moves to the one placement answers, and joins there.
        if (code === 'NODE_FULL' && signaling.placement) {
          setState({ kind: 'joining' });
          void signaling.placement.moveOff();
          // Joined again on the new node's session; here too in case no node answered.
          again(RETRY_MS);
          return;
        }
        setState({ kind: 'error', failure: watchFailure(error) });
        // INVALID_STATE on a channel: its bus is being rebuilt on a new worker, ready in a moment.
        const delay = code === 'INVALID_STATE' && kind === 'channel' ? REJOIN_PROGRAM_MS : RETRY_MS;
        // Failed while the connection was down: try again once it is back (a resumed session
        // brings no new MediaSession that would start the join over).
        if (signaling.socket.connected) again(delay);
        else signaling.socket.once('connect', onBack);
      },
    );
    const stopHealth = session.onReceiveHealth((health) => {
      if (!alive || !watch) return;
      setState({ kind: 'playing', watch, interrupted: health === 'interrupted' });
      clearTimeout(timer);
      if (health === 'interrupted') {
        timer = setTimeout(() => {
          if (!alive) return;
          session.resetReceive();
          setAttempt((a) => a + 1);
        }, REJOIN_AFTER_MS);
      }
    });
    const onConsumerClosed = ({ consumerId }: { consumerId: string }) => {
      if (!watch?.holds(consumerId)) return;
      // A feed that ends is over; a channel's program never ends: its bus was rebuilt (a media
      // worker restarted), so join it again.
      if (kind === 'channel') {
        setState({ kind: 'joining' });
        again(REJOIN_PROGRAM_MS);
      } else setState({ kind: 'ended' });
    };
    signaling.socket.on('consumer:closed', onConsumerClosed);
    return () => {
      alive = false;
      clearTimeout(timer);
      stopHealth();
      signaling.socket.off('consumer:closed', onConsumerClosed);
      signaling.socket.off('connect', onBack);
      watch?.close();
    };
  }, [session, signaling, kind, id, revision, attempt]);
  return state;
}
