import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
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
          {state.kind === 'live' && (
            <>
              Live · <Link to={`/watch/${state.feedId}`}>watch this feed</Link>
            </>
          )}
          {state.kind === 'error' && `Cannot publish: ${state.message}`}
        </span>
      </div>
    </section>
  );
}
