import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AgendaSession, ChannelState, RecordingInfo } from '@hybrid-stage/shared';
import { useSignaling } from '../../signaling/SignalingContext';
import { useRequestError } from '../../signaling/requestError';
import { useFormat, type Format } from '../../i18n/useFormat';
import { useNow } from '../agenda/useNow';
import { RecordingViewer } from './RecordingViewer';

/** A file size in megabytes, or gigabytes from 1 GB, in the UI language. */
function fileSize(format: Format, bytes: number): string {
  return bytes >= 1e9
    ? format.number(bytes / 1e9, { style: 'unit', unit: 'gigabyte', maximumFractionDigits: 2 })
    : format.number(bytes / 1e6, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 });
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

/** Record / Stop for one channel's program, and the list of recordings with length, size and state, each watchable and deletable once finished. */
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
  const { t } = useTranslation('production');
  const format = useFormat();
  const signaling = useSignaling();
  // A recording in progress grows: its length ticks every second.
  const now = useNow(1000);
  const { error, run } = useRequestError();
  const active = recordings.find((r) => r.channelId === channel.id && r.status === 'recording');
  const [watching, setWatching] = useState<RecordingInfo>();
  const title = (sessionId: string | null) => sessions.find((s) => s.id === sessionId)?.title ?? t('recording.noSession');
  const toggle = () =>
    run(active ? signaling.request('recording:stop', { channelId: channel.id }) : signaling.request('recording:start', { channelId: channel.id }));
  // Deleting removes the file for good: the producer confirms, naming what goes.
  const remove = (r: RecordingInfo) => {
    if (window.confirm(t('recording.confirmDelete', { session: title(r.sessionId), time: format.dateTime(r.startedAtMs) }))) {
      run(signaling.request('recording:delete', { recordingId: r.id }));
    }
  };
  return (
    <section className="recordings">
      <h2>{t('recording.title')}</h2>
      <div className="player-controls">
        <button type="button" className="record-button" aria-pressed={Boolean(active)} onClick={toggle}>
          {t(active ? 'recording.stop' : 'recording.record', { channel: channel.name })}
        </button>
        {active && <span className="muted">{t('recording.since', { session: title(active.sessionId), time: format.time(active.startedAtMs) })}</span>}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {recordings.length > 0 && (
        <table data-testid="recordings">
          <thead>
            <tr>
              <th>{t('columns.channel')}</th>
              <th>{t('columns.session')}</th>
              <th>{t('columns.start')}</th>
              <th>{t('columns.length')}</th>
              <th>{t('columns.size')}</th>
              <th>{t('columns.state')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {recordings.slice(0, 20).map((r) => (
              <tr key={r.id}>
                <td>{channels.find((c) => c.id === r.channelId)?.name ?? r.channelId}</td>
                <td>{title(r.sessionId)}</td>
                <td>{format.dateTime(r.startedAtMs)}</td>
                <td>{format.duration(r.status === 'recording' ? now - r.startedAtMs : r.durationMs)}</td>
                <td>{fileSize(format, r.sizeBytes)}</td>
                <td>{t(`recording.status.${r.status}`)}</td>
                <td>
                  {(r.status === 'done' || r.status === 'interrupted') && (
                    <button type="button" className="secondary" aria-pressed={watching?.id === r.id} onClick={() => setWatching(r)}>
                      {t('recording.watch')}
                    </button>
                  )}{' '}
                  {r.status !== 'recording' && (
                    <button type="button" className="secondary" onClick={() => remove(r)}>
                      {t('recording.delete')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {watching && recordings.some((r) => r.id === watching.id) && (
        <RecordingViewer
          key={watching.id}
          recordingId={watching.id}
          title={`${title(watching.sessionId)} · ${format.dateTime(watching.startedAtMs)}`}
          onClose={() => setWatching(undefined)}
        />
      )}
    </section>
  );
}
