import { useState } from 'react';
import type { EventInfo, RecordingInfo, ReRunInfo } from '@hybrid-stage/shared';
import { useSignaling } from '../../signaling/SignalingContext';

/** A `datetime-local` value (local time, to the second) for an ISO time. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
}

/** Schedules re-runs of recorded sessions on a channel for an audience region; lists, moves and removes them. */
export function ReRunPanel({ event, recordings }: { event: EventInfo; recordings: RecordingInfo[] }) {
  const signaling = useSignaling();
  const recorded = event.sessions.filter((s) => recordings.some((r) => r.sessionId === s.id && (r.status === 'done' || r.status === 'interrupted')));
  const [sessionId, setSessionId] = useState('');
  const [channelId, setChannelId] = useState(event.channels[0]?.id ?? '');
  const [startsAt, setStartsAt] = useState(() => toLocalInput(new Date(Date.now() + 3_600_000).toISOString()));
  const [region, setRegion] = useState('Americas');
  const [editing, setEditing] = useState<string>();
  const [error, setError] = useState<string>();
  const title = (id: string) => event.sessions.find((s) => s.id === id)?.title ?? id;
  const channelName = (id: string) => event.channels.find((c) => c.id === id)?.name ?? id;

  const submit = () => {
    setError(undefined);
    const iso = new Date(startsAt).toISOString();
    const request = editing
      ? signaling.request('rerun:update', { rerunId: editing, channelId, startsAt: iso, region })
      : signaling.request('rerun:create', { sessionId: sessionId || recorded[0]?.id || '', channelId, startsAt: iso, region });
    request.then(() => setEditing(undefined), (e: Error) => setError(e.message));
  };
  const edit = (r: ReRunInfo) => {
    setEditing(r.id);
    setSessionId(r.sessionId);
    setChannelId(r.channelId);
    setStartsAt(toLocalInput(r.startsAt));
    setRegion(r.region);
  };
  const remove = (r: ReRunInfo) => signaling.request('rerun:delete', { rerunId: r.id }).catch((e: Error) => setError(e.message));

  return (
    <section className="reruns">
      <h2>Re-runs</h2>
      <div className="player-controls">
        <select aria-label="Re-run session" value={sessionId || recorded[0]?.id || ''} disabled={Boolean(editing)} onChange={(e) => setSessionId(e.target.value)}>
          {recorded.length === 0 && <option value="">no recorded session yet</option>}
          {recorded.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
            </option>
          ))}
        </select>
        on
        <select aria-label="Re-run channel" value={channelId} onChange={(e) => setChannelId(e.target.value)}>
          {event.channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        at
        <input type="datetime-local" step={1} aria-label="Re-run start" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
        for
        <input aria-label="Re-run region" value={region} maxLength={60} onChange={(e) => setRegion(e.target.value)} />
        <button type="button" onClick={submit} disabled={!editing && recorded.length === 0}>
          {editing ? 'Save re-run' : 'Schedule re-run'}
        </button>
        {editing && (
          <button type="button" className="secondary" onClick={() => setEditing(undefined)}>
            Cancel
          </button>
        )}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {event.reruns.length > 0 && (
        <table data-testid="reruns">
          <thead>
            <tr>
              <th>Session</th>
              <th>Channel</th>
              <th>Starts</th>
              <th>Ends</th>
              <th>Region</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {event.reruns.map((r) => (
              <tr key={r.id}>
                <td>{title(r.sessionId)}</td>
                <td>{channelName(r.channelId)}</td>
                <td>{new Date(r.startsAt).toLocaleString()}</td>
                <td>{new Date(r.endsAt).toLocaleTimeString()}</td>
                <td>{r.region}</td>
                <td>{r.status}</td>
                <td>
                  {r.status === 'scheduled' && (
                    <button type="button" className="secondary" onClick={() => edit(r)}>
                      Edit
                    </button>
                  )}{' '}
                  {(r.status === 'scheduled' || r.status === 'playing') && (
                    <button type="button" className="secondary" onClick={() => void remove(r)}>
                      {r.status === 'playing' ? 'Stop' : 'Remove'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
