import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useSignaling } from '../signaling/SignalingContext';
import { MediaSession } from '../media/MediaSession';
import type { SessionResumable } from '@hybrid-stage/shared';

const MediaSessionContext = createContext<MediaSession | undefined>(undefined);

/**
 * One MediaSession per signaling session. A short drop of the connection keeps it (the server
 * keeps its side for the grace period, and the media flows on meanwhile); it is replaced when the
 * connection that comes back did not resume the session (the server restarted, the drop was too
 * long) or when the server says the media worker under it died, so everything watching joins again
 * on the new one. A server that announced it is stopping ends it as the connection goes.
 */
export function MediaSessionProvider({ children }: { children: ReactNode }) {
  const signaling = useSignaling();
  const [session, setSession] = useState<MediaSession>();
  useEffect(() => {
    let current: MediaSession | undefined;
    const fresh = () => {
      current?.close();
      setSession((current = new MediaSession(signaling)));
    };
    const onSession = ({ resumed }: SessionResumable) => {
      stopping = false;
      if (!resumed || !current) fresh();
    };
    // A server that said it is stopping will not resume this session: end it as the connection goes.
    let stopping = false;
    const onClosing = () => (stopping = true);
    const onDisconnect = () => {
      if (!stopping) return;
      stopping = false;
      current?.close();
      current = undefined;
      setSession(undefined);
    };
    signaling.socket.on('session:resumable', onSession);
    signaling.socket.on('server:closing', onClosing);
    signaling.socket.on('disconnect', onDisconnect);
    // The worker holding this browser's transports died: start over on a new session.
    signaling.socket.on('media:lost', fresh);
    if (signaling.session) fresh();
    return () => {
      signaling.socket.off('session:resumable', onSession);
      signaling.socket.off('server:closing', onClosing);
      signaling.socket.off('disconnect', onDisconnect);
      signaling.socket.off('media:lost', fresh);
      current?.close();
    };
  }, [signaling]);
  return <MediaSessionContext.Provider value={session}>{children}</MediaSessionContext.Provider>;
}

/** This connection's media session, or undefined while disconnected. */
export function useMediaSession(): MediaSession | undefined {
  return useContext(MediaSessionContext);
}
