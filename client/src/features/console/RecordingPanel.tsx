import { useEffect, useState } from 'react';
import type { AgendaSession, ChannelState, RecordingInfo } from '@hybrid-stage/shared';
import { useSignaling } from '../../signaling/SignalingContext';
import { useNow } from '../agenda/useNow';

/** "12:34" or "1:02:03" from milliseconds. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '…';
  const s = Math.round(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor(s / 60) % 60).padStart(hh ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

function formatSize(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** The recordings of every channel, kept current by `recordings:changed`. */
export function useRecordings(): RecordingInfo[] {
  const signaling = useSignaling();
  const [recordings, setRecordings] = useState<RecordingInfo[]>([]);
  useEffect(() => {
    let alive = true;
    const load = () => signaling.request('recording:list', {}).then((list) => alive && setRecordings(list), () => undefined);
    signaling.socket.on('recordings:changed', setRecordings);
    signaling.socket.on('connect', load);
    if (signaling.socket.connected) void load();
    return () => {
      alive = false;
      signaling.socket.off('recordings:changed', setRecordings);
      signaling.socket.off('connect', load);
    };
  }, [signaling]);
  return recordings;
}

/** Record / Stop for one channel's program, and the list of recordings with length, size and state. */
export function RecordingPanel({
  channel,
  channels,
  sessions,
  recordings,
}: {
  channel: ChannelState;
  channels: ChannelState[];
  sessions: AgendaSession[];
  recordings: RecordingInfo[];
}) {
  const signaling = useSignaling();
  // A recording in progress grows: its length ticks every second.
  const now = useNow(1000);
  const [error, setError] = useState<string>();
  const active = recordings.find((r) => r.channelId === channel.id && r.status === 'recording');
  const title = (sessionId: string | null) => sessions.find((s) => s.id === sessionId)?.title ?? '(no session)';
  const toggle = () => {
    setError(undefined);
    const request = active ? signaling.request('recording:stop', { channelId: channel.id }) : signaling.request('recording:start', { channelId: channel.id });
    request.catch((e: Error) => setError(e.message));
  };
  return (
    <section className="recordings">
      <h2>Recordings</h2>
      <div className="player-controls">
        <button type="button" className="record-button" aria-pressed={Boolean(active)} onClick={toggle}>
          {active ? `■ Stop recording ${channel.name}` : `● Record ${channel.name}`}
        </button>
        {active && <span className="muted">recording “{title(active.sessionId)}” since {new Date(active.startedAtMs).toLocaleTimeString()}</span>}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {recordings.length > 0 && (
        <table data-testid="recordings">
          <thead>
            <tr>
              <th>Channel</th>
              <th>Session</th>
              <th>Started</th>
              <th>Length</th>
              <th>Size</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {recordings.slice(0, 20).map((r) => (
              <tr key={r.id}>
                <td>{channels.find((c) => c.id === r.channelId)?.name ?? r.channelId}</td>
                <td>{title(r.sessionId)}</td>
                <td>{new Date(r.startedAtMs).toLocaleString()}</td>
                <td>{r.status === 'recording' ? formatDuration(now - r.startedAtMs) : formatDuration(r.durationMs)}</td>
                <td>{formatSize(r.sizeBytes)}</td>
                <td>{r.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
