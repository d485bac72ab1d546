import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { EventInfo, FeedInfo } from '@hybrid-stage/shared';
import { SignalingClient } from './SignalingClient';

const SignalingContext = createContext<SignalingClient | undefined>(undefined);

/** One socket.io connection for the whole app. */
export function SignalingProvider({ children }: { children: ReactNode }) {
  const [client] = useState(() => new SignalingClient());
  useEffect(() => () => client.close(), [client]);
  return <SignalingContext.Provider value={client}>{children}</SignalingContext.Provider>;
}

/** The app's signaling connection. */
export function useSignaling(): SignalingClient {
  const client = useContext(SignalingContext);
  if (!client) throw new Error('useSignaling outside SignalingProvider');
  return client;
}

/** Connection state as a person would describe it. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reload' | 'offline';

/** Whether the signaling connection is up, and whether the page must be reloaded. */
export function useConnectionStatus(): ConnectionStatus {
  const { socket } = useSignaling();
  const [status, setStatus] = useState<ConnectionStatus>(socket.connected ? 'connected' : 'connecting');
  useEffect(() => {
    const onConnect = () => setStatus('connected');
    const onDisconnect = () => setStatus('offline');
    const onError = (error: Error & { data?: { code?: string } }) =>
      setStatus(error.data?.code === 'PROTOCOL_MISMATCH' ? 'reload' : 'offline');
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onError);
    return () => {
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onError);
    };
  }, [socket]);
  return status;
}

/** The event and its live feeds, kept current by `feeds:changed`. */
export function useEventInfo(): EventInfo | undefined {
  const signaling = useSignaling();
  const [event, setEvent] = useState<EventInfo>();
  useEffect(() => {
    let alive = true;
    const load = () => signaling.request('event:get', {}).then((e) => alive && setEvent(e), () => undefined);
    const onFeeds = (feeds: FeedInfo[]) => setEvent((e) => (e ? { ...e, feeds } : e));
    signaling.socket.on('connect', load);
    signaling.socket.on('feeds:changed', onFeeds);
    if (signaling.socket.connected) void load();
    return () => {
      alive = false;
      signaling.socket.off('connect', load);
      signaling.socket.off('feeds:changed', onFeeds);
    };
  }, [signaling]);
  return event;
}
