import { useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { MediaSession } from '../../media/MediaSession';
import { RequestError } from '../../signaling/SignalingClient';
import { useEventInfo, useSignaling } from '../../signaling/SignalingContext';

type PlayerState = { kind: 'joining' } | { kind: 'playing' } | { kind: 'ended' } | { kind: 'error'; message: string };

/** Video statistics as the viewer sees them. */
interface ReceiveStats {
  framesDecoded: number;
  kbps: number;
  width: number;
  height: number;
}

/** Plays one feed; joins again by itself when the connection comes back. */
export function WatchPage() {
  const { feedId = '' } = useParams();
  const signaling = useSignaling();
  const event = useEventInfo();
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<PlayerState>({ kind: 'joining' });
  const [muted, setMuted] = useState(true);
  const [stats, setStats] = useState<ReceiveStats>();
  const feed = event?.feeds.find((f) => f.id === feedId);

  useEffect(() => {
    let session: MediaSession | undefined;
    let statsTimer: ReturnType<typeof setInterval> | undefined;
    let alive = true;
    const join = async () => {
      session?.close();
      clearInterval(statsTimer);
      setState({ kind: 'joining' });
      const current = (session = new MediaSession(signaling));
      try {
        const stream = await current.watch(feedId);
        if (!alive || current !== session) return;
        video.current!.srcObject = stream;
        setState({ kind: 'playing' });
        let last = { bytes: 0, at: performance.now() };
        statsTimer = setInterval(async () => {
          const report = await current.receiveStats();
          let video: RTCInboundRtpStreamStats | undefined;
          report?.forEach((s) => {
            // mediasoup's bandwidth probe arrives as a second video stream with mid "probator".
            if (s.type === 'inbound-rtp' && s.kind === 'video' && s.mid !== 'probator') video ??= s;
          });
          if (!video) return;
          const now = performance.now();
          const kbps = ((video.bytesReceived ?? 0) - last.bytes) * 8 / (now - last.at);
          last = { bytes: video.bytesReceived ?? 0, at: now };
          setStats({
            framesDecoded: video.framesDecoded ?? 0,
            kbps: Math.max(0, Math.round(kbps)),
            width: video.frameWidth ?? 0,
            height: video.frameHeight ?? 0,
          });
        }, 1000);
      } catch (error) {
        if (!alive) return;
        const code = error instanceof RequestError ? error.code : 'INTERNAL';
        setState(code === 'NOT_FOUND' ? { kind: 'ended' } : { kind: 'error', message: (error as Error).message });
      }
    };
    const onConsumerClosed = () => setState({ kind: 'ended' });
    signaling.socket.on('connect', join);
    signaling.socket.on('consumer:closed', onConsumerClosed);
    if (signaling.socket.connected) void join();
    return () => {
      alive = false;
      signaling.socket.off('connect', join);
      signaling.socket.off('consumer:closed', onConsumerClosed);
      clearInterval(statsTimer);
      session?.close();
    };
  }, [signaling, feedId]);

  return (
    <section className="watch">
      <h1>{feed?.label ?? 'Feed'}</h1>
      <div className="player">
        <video ref={video} autoPlay playsInline muted={muted} data-testid="player" />
        {state.kind !== 'playing' && (
          <div className="player-overlay" role="status">
            {state.kind === 'joining' && 'Joining…'}
            {state.kind === 'ended' && 'This feed has ended.'}
            {state.kind === 'error' && `Cannot play: ${state.message}`}
          </div>
        )}
      </div>
      <div className="player-controls">
        <button type="button" onClick={() => setMuted((m) => !m)}>
          {muted ? 'Unmute' : 'Mute'}
        </button>
        {stats && (
          <span className="stats" data-testid="stats">
            {stats.width}×{stats.height} · {stats.kbps} kbit/s · {stats.framesDecoded} frames
          </span>
        )}
      </div>
    </section>
  );
}
