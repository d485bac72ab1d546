import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useSignaling } from '../signaling/SignalingContext';
import { MediaSession } from '../media/MediaSession';

const MediaSessionContext = createContext<MediaSession | undefined>(undefined);

/**
 * One MediaSession per signaling connection: made when the socket connects, closed when it drops
 * (the server closes its side then) or when the server says the media worker under it died, so
 * everything watching re-joins on the new one.
 */
export function MediaSessionProvider({ children }: { children: ReactNode }) {
  const signaling = useSignaling();
  const [session, setSession] = useState<MediaSession>();
  useEffect(() => {
    let current: MediaSession | undefined;
    const onConnect = () => {
      current?.close();
      setSession((current = new MediaSession(signaling)));
    };
    const onDisconnect = () => {
      current?.close();
      current = undefined;
      setSession(undefined);
    };
    signaling.socket.on('connect', onConnect);
    signaling.socket.on('disconnect', onDisconnect);
    // The worker holding this browser's transports died: start over on a new session, as after a
    // reconnect, and everything watching or publishing joins again.
    signaling.socket.on('media:lost', onConnect);
    if (signaling.socket.connected) onConnect();
    return () => {
      signaling.socket.off('connect', onConnect);
      signaling.socket.off('disconnect', onDisconnect);
      signaling.socket.off('media:lost', onConnect);
      current?.close();
    };
  }, [signaling]);
  return <MediaSessionContext.Provider value={session}>{children}</MediaSessionContext.Provider>;
}

/** This connection's media session, or undefined while disconnected. */
export function useMediaSession(): MediaSession | undefined {
  return useContext(MediaSessionContext);
}
