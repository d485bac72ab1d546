import { useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { Player } from '../../player/Player';
import { useVideoStats } from '../../player/useVideoStats';
import { useWatch } from '../../player/useWatch';
import { useEventInfo } from '../../signaling/SignalingContext';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '@hybrid-stage/shared';
import { CaptionOverlay, type CaptionSize } from '../captions/CaptionOverlay';
import { useCaptionTrack } from '../captions/useCaptionTrack';
import { useStoredState } from '../../player/useStoredState';

/** Plays one channel's program; joins again by itself when the connection comes back. */
export function ChannelPage() {
  const { channelId = '' } = useParams();
  const event = useEventInfo();
  const [muted, setMuted] = useState(true);
  const source = useMemo(() => ({ kind: 'channel', id: channelId }) as const, [channelId]);
  const state = useWatch(source);
  const stats = useVideoStats(state.kind === 'playing' ? state.watch : undefined);
  const [captionLanguage, setCaptionLanguage] = useStoredState<Language | ''>('captions.language', '');
  const [captionSize, setCaptionSize] = useStoredState<CaptionSize>('captions.size', 'medium');
  const cues = useCaptionTrack(channelId, captionLanguage || undefined);
  const channel = event?.channels.find((c) => c.id === channelId);
  const onAir = event?.feeds.find((f) => f.id === channel?.program);

  return (
    <section className="watch">
      <h1>{channel?.name ?? 'Channel'}</h1>
      <Player state={state} muted={muted} testId="player" endedText="This channel is off air.">
        {captionLanguage && <CaptionOverlay cues={cues} language={captionLanguage} size={captionSize} />}
      </Player>
      <div className="player-controls">
        <button type="button" onClick={() => setMuted((m) => !m)}>
          {muted ? 'Unmute' : 'Mute'}
        </button>
        <label>
          Captions{' '}
          <select value={captionLanguage} onChange={(e) => setCaptionLanguage(e.target.value as Language | '')}>
            <option value="">Off</option>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Size{' '}
          <select value={captionSize} onChange={(e) => setCaptionSize(e.target.value as CaptionSize)}>
            <option value="small">small</option>
            <option value="medium">medium</option>
            <option value="large">large</option>
          </select>
        </label>
        {channel && (
          <span className={channel.programSource === 'recording' ? 'badge rerun' : channel.program ? 'badge live' : 'badge'} data-testid="on-air-badge">
            {channel.programSource === 'recording' ? 'RE-RUN' : channel.program ? 'LIVE' : 'OFF AIR'}
          </span>
        )}
        {onAir && <span className="muted">from {onAir.label}</span>}
        {stats && (
          <span className="stats" data-testid="stats">
            {stats.width}×{stats.height} · {stats.kbps} kbit/s · {stats.framesPerSecond} fps · {stats.lossPercent}% loss · {stats.framesDecoded} frames
          </span>
        )}
      </div>
    </section>
  );
}
