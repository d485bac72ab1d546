import { useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { Player } from '../../player/Player';
import { useVideoStats } from '../../player/useVideoStats';
import { useWatch } from '../../player/useWatch';
import { useEventInfo } from '../../signaling/SignalingContext';

/** Plays one channel's program; joins again by itself when the connection comes back. */
export function ChannelPage() {
  const { channelId = '' } = useParams();
  const event = useEventInfo();
  const [muted, setMuted] = useState(true);
  const source = useMemo(() => ({ kind: 'channel', id: channelId }) as const, [channelId]);
  const state = useWatch(source);
  const stats = useVideoStats(state.kind === 'playing' ? state.watch : undefined);
  const channel = event?.channels.find((c) => c.id === channelId);
  const onAir = event?.feeds.find((f) => f.id === channel?.program);

  return (
    <section className="watch">
      <h1>{channel?.name ?? 'Channel'}</h1>
      <Player state={state} muted={muted} testId="player" endedText="This channel is off air." />
      <div className="player-controls">
        <button type="button" onClick={() => setMuted((m) => !m)}>
          {muted ? 'Unmute' : 'Mute'}
        </button>
        {channel && (
          <span className={channel.program ? 'badge live' : 'badge'}>{channel.program ? 'LIVE' : 'OFF AIR'}</span>
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
