import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { Publisher, type PublishState } from '../../media/Publisher';
import type { SignalingClient } from '../../signaling/SignalingClient';

const IDLE: PublishState = { kind: 'idle' };

/**
 * The studio page's {@link Publisher} and its state: made when the page mounts (undefined before),
 * closed when it unmounts (the camera stops; the feed is left to the server's grace period).
 */
export function usePublisher(signaling: SignalingClient): { publisher: Publisher | undefined; state: PublishState } {
  const [publisher, setPublisher] = useState<Publisher>();
  useEffect(() => {
    const made = new Publisher(signaling);
    setPublisher(made);
    return () => made.close();
  }, [signaling]);
  const subscribe = useCallback((listener: () => void) => publisher?.subscribe(listener) ?? (() => undefined), [publisher]);
  const state = useSyncExternalStore(subscribe, () => publisher?.current() ?? IDLE);
  return { publisher, state };
}
