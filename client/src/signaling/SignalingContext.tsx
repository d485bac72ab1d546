import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { Grant, ServerClosing } from '@hybrid-stage/shared';
import { forgetAccessToken, keepViewerToken, takeAccessToken, viewerToken } from './accessToken';
import { SignalingClient } from './SignalingClient';
import { servedPage } from '../servedPage';

const SignalingContext = createContext<SignalingClient | undefined>(undefined);

/**
 * The app's one socket.io connection, carrying the tab's access token. It is opened as the page's
 * script starts, before the first render, so the handshake runs while the page draws (a viewer's
 * first frame comes sooner); it lives as long as the page. On a watch page of a cluster it connects
 * to the node the server placed the page on, and moves when that node fails it.
 */
export const appSignaling = new SignalingClient(takeAccessToken(), servedPage().placement);
// A viewer's invite link counts as a registration: kept for later visits, like a registered viewer's token.
appSignaling.socket.on('session:grant', (grant) => {
  if (grant.role === 'viewer' && appSignaling.token) keepViewerToken(appSignaling.token);
});

// A registered viewer's kept token that the server no longer takes (expired, or a new signing key):
// forgotten, and the page connects as a visitor again, so the event's form asks once more.
appSignaling.socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
  if (error.data?.code !== 'UNAUTHORIZED' || !appSignaling.token || appSignaling.token !== viewerToken()) return;
  forgetAccessToken();
  appSignaling.connectWithToken(undefined);
});

/** Gives the components below the app's signaling connection. */
export function SignalingProvider({ client = appSignaling, children }: { client?: SignalingClient; children: ReactNode }) {
  return <SignalingContext.Provider value={client}>{children}</SignalingContext.Provider>;
}

/** The app's signaling connection. */
export function useSignaling(): SignalingClient {
  const client = useContext(SignalingContext);
  if (!client) throw new Error('useSignaling outside SignalingProvider');
  return client;
}

/** Connection state as a person would describe it. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reload' | 'badLink' | 'offline' | 'restarting' | 'shuttingDown';

/** Whether the signaling connection is up, and whether the page must be reloaded. */
export function useConnectionStatus(): ConnectionStatus {
  const { socket } = useSignaling();
  const [status, setStatus] = useState<ConnectionStatus>(socket.connected ? 'connected' : 'connecting');
  useEffect(() => {
    // Once the server said it is stopping, that is what the page says until it is back.
    const stopping = (s: ConnectionStatus) => s === 'restarting' || s === 'shuttingDown';
    const onConnect = () => setStatus('connected');
    const onDisconnect = () => setStatus((s) => (stopping(s) ? s : 'offline'));
    const onClosing = ({ reason }: ServerClosing) => setStatus(reason === 'restart' ? 'restarting' : 'shuttingDown');
    const onError = (error: Error & { data?: { code?: string } }) => {
      const code = error.data?.code;
      if (code === 'UNAUTHORIZED') forgetAccessToken();
      setStatus((s) => (code === 'PROTOCOL_MISMATCH' ? 'reload' : code === 'UNAUTHORIZED' ? 'badLink' : stopping(s) ? s : 'offline'));
    };
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('server:closing', onClosing);
    socket.on('connect_error', onError);
    return () => {
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('server:closing', onClosing);
      socket.off('connect_error', onError);
    };
  }, [socket]);
  return status;
}

/** The role and scope the server granted this tab. */
export function useGrant(): Grant {
  const signaling = useSignaling();
  const [grant, setGrant] = useState(signaling.grant);
  useEffect(() => {
    signaling.socket.on('session:grant', setGrant);
    setGrant(signaling.grant);
    return () => void signaling.socket.off('session:grant', setGrant);
  }, [signaling]);
  return grant;
}
