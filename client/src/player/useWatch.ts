import { useEffect, useState } from 'react';
import { RequestError } from '../signaling/SignalingClient';
import { useSignaling } from '../signaling/SignalingContext';
import type { Watch, WatchSource } from '../media/MediaSession';
import { useMediaSession } from './MediaSessionContext';

/** Where receiving stands, as a viewer would be told. */
export type WatchState =
  | { kind: 'idle' }
  | { kind: 'joining' }
  | { kind: 'playing'; watch: Watch }
  | { kind: 'ended' }
  | { kind: 'error'; message: string };

/**
 * Receives `source` while the component is mounted, on the connection's media session; joins
 * again by itself when the connection comes back, and when `revision` changes (a feed that gained
 * a track). `undefined` watches nothing.
 */
export function useWatch(source: WatchSource | undefined, revision = ''): WatchState {
  const session = useMediaSession();
  const signaling = useSignaling();
  const [state, setState] = useState<WatchState>({ kind: source ? 'joining' : 'idle' });
  const kind = source?.kind;
  const id = source?.id;
  useEffect(() => {
    if (!kind || !id) {
      setState({ kind: 'idle' });
      return;
    }
    if (!session) {
      setState({ kind: 'joining' });
      return;
    }
    let watch: Watch | undefined;
    let alive = true;
    setState({ kind: 'joining' });
    session.watch({ kind, id } as WatchSource).then(
      (w) => {
        if (!alive) return w.close();
        watch = w;
        setState({ kind: 'playing', watch: w });
      },
      (error: unknown) => {
        if (!alive) return;
        const code = error instanceof RequestError ? error.code : 'INTERNAL';
        setState(code === 'NOT_FOUND' ? { kind: 'ended' } : { kind: 'error', message: (error as Error).message });
      },
    );
    const onConsumerClosed = ({ consumerId }: { consumerId: string }) => {
      if (watch?.holds(consumerId)) setState({ kind: 'ended' });
    };
    signaling.socket.on('consumer:closed', onConsumerClosed);
    return () => {
      alive = false;
      signaling.socket.off('consumer:closed', onConsumerClosed);
      watch?.close();
    };
  }, [session, signaling, kind, id, revision]);
  return state;
}
