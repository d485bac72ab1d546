import { useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { MediaSession } from '../../media/MediaSession';
import { useEventInfo, useSignaling } from '../../signaling/SignalingContext';

type PublishState = { kind: 'idle' } | { kind: 'starting' } | { kind: 'live'; feedId: string } | { kind: 'error'; message: string };

/** Publishes this browser's camera and microphone as a feed of one studio. */
export function StudioPage() {
  const { studioId = '' } = useParams();
  const signaling = useSignaling();
  const event = useEventInfo();
  const preview = useRef<HTMLVideoElement>(null);
  const session = useRef<MediaSession>(undefined);
  const stream = useRef<MediaStream>(undefined);
  const [state, setState] = useState<PublishState>({ kind: 'idle' });
  const [label, setLabel] = useState('Camera 1');
  const studio = event?.studios.find((s) => s.id === studioId);
  const [kbps, setKbps] = useState<number>();
  const liveFeedId = state.kind === 'live' ? state.feedId : undefined;
  const onAir = event?.channels.filter((c) => liveFeedId && c.program === liveFeedId) ?? [];
  const inPreview = event?.channels.filter((c) => liveFeedId && (c.preview === liveFeedId || c.pending === liveFeedId)) ?? [];

  // Outgoing bitrate, from the send transport's statistics.
  useEffect(() => {
    if (!liveFeedId) return setKbps(undefined);
    let last: { bytes: number; at: number } | undefined;
    const timer = setInterval(async () => {
      const report = await session.current?.sendStats().catch(() => undefined);
      let bytes = 0;
      report?.forEach((s) => {
        if (s.type === 'outbound-rtp') bytes += (s as RTCOutboundRtpStreamStats).bytesSent ?? 0;
      });
      const now = performance.now();
      if (last) setKbps(Math.round(((bytes - last.bytes) * 8) / (now - last.at)));
      last = { bytes, at: now };
    }, 1000);
    return () => clearInterval(timer);
  }, [liveFeedId]);

  const stop = () => {
    session.current?.close();
    session.current = undefined;
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = undefined;
  };
  useEffect(() => stop, []);

  const goLive = async () => {
    setState({ kind: 'starting' });
    try {
      stream.current = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 }, audio: true });
      preview.current!.srcObject = stream.current;
      const feed = await signaling.request('feed:open', { studioId, label });
      session.current = new MediaSession(signaling);
      for (const track of stream.current.getTracks()) await session.current.publish(feed.id, track);
      setState({ kind: 'live', feedId: feed.id });
    } catch (error) {
      stop();
      setState({ kind: 'error', message: (error as Error).message });
    }
  };

  const endFeed = () => {
    if (state.kind === 'live') void signaling.request('feed:close', { feedId: state.feedId }).catch(() => undefined);
    stop();
    setState({ kind: 'idle' });
  };

  return (
    <section className="studio">
      <h1>{studio ? `Studio ${studio.name}` : 'Studio'}</h1>
      {liveFeedId && (
        <p className={`tally ${onAir.length ? 'tally-program' : inPreview.length ? 'tally-preview' : 'tally-none'}`} data-testid="tally">
          {onAir.length > 0
            ? `ON AIR · ${onAir.map((c) => c.name).join(', ')}`
            : inPreview.length > 0
              ? `IN PREVIEW · ${inPreview.map((c) => c.name).join(', ')}`
              : 'Not on air'}
        </p>
      )}
      <div className="player">
        <video ref={preview} autoPlay playsInline muted data-testid="preview" />
      </div>
      <div className="player-controls">
        <label>
          Feed name{' '}
          <input value={label} maxLength={80} onChange={(e) => setLabel(e.target.value)} disabled={state.kind !== 'idle'} />
        </label>
        {state.kind === 'live' ? (
          <button type="button" onClick={endFeed}>
            End feed
          </button>
        ) : (
          <button type="button" onClick={goLive} disabled={state.kind === 'starting' || !studio}>
            Go live
          </button>
        )}
        <span role="status" data-testid="publish-state">
          {state.kind === 'starting' && 'Starting…'}
          {state.kind === 'live' && `Publishing${kbps === undefined ? '' : ` · ${kbps} kbit/s out`}`}
          {state.kind === 'error' && `Cannot publish: ${state.message}`}
        </span>
      </div>
    </section>
  );
}
