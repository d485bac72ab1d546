import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EventInfo, RecordingInfo, ReRunInfo } from '@hybrid-stage/shared';
import { useSignaling } from '../../signaling/SignalingContext';
import { useRequestError } from '../../signaling/requestError';
import { useFormat } from '../../i18n/useFormat';

/**
 * Places a re-run plan offers, each its own time zone; the city is the region label its re-run
 * shows. The brief's audiences: Asia-Pacific, the Gulf, Europe and Russia, Africa, the Americas.
 */
const PLACES = [
  { city: 'Tokyo', timeZone: 'Asia/Tokyo' },
  { city: 'Singapore', timeZone: 'Asia/Singapore' },
  { city: 'Sydney', timeZone: 'Australia/Sydney' },
  { city: 'Dubai', timeZone: 'Asia/Dubai' },
  { city: 'Moscow', timeZone: 'Europe/Moscow' },
  { city: 'London', timeZone: 'Europe/London' },
  { city: 'Johannesburg', timeZone: 'Africa/Johannesburg' },
  { city: 'São Paulo', timeZone: 'America/Sao_Paulo' },
  { city: 'New York', timeZone: 'America/New_York' },
  { city: 'Los Angeles', timeZone: 'America/Los_Angeles' },
] as const;

/** A `datetime-local` value (local time, to the second) for an ISO time. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
}

/** Schedules re-runs of recorded sessions on a channel for an audience region; lists, moves and removes them. */
export function ReRunPanel({ event, recordings }: { event: EventInfo; recordings: RecordingInfo[] }) {
  const { t } = useTranslation('production');
  const format = useFormat();
  const signaling = useSignaling();
  const recorded = event.sessions.filter((s) => recordings.some((r) => r.sessionId === s.id && (r.status === 'done' || r.status === 'interrupted')));
  const [sessionId, setSessionId] = useState('');
  const [channelId, setChannelId] = useState(event.channels[0]?.id ?? '');
  const [startsAt, setStartsAt] = useState(() => toLocalInput(new Date(Date.now() + 3_600_000).toISOString()));
  const [region, setRegion] = useState(() => t('rerun.defaultRegion'));
  const [editing, setEditing] = useState<string>();
  const [planDate, setPlanDate] = useState(() => toLocalInput(new Date(Date.now() + 86_400_000).toISOString()).slice(0, 10));
  const [planTime, setPlanTime] = useState('09:00');
  const [planPlaces, setPlanPlaces] = useState<ReadonlySet<string>>(new Set());
  const { error, run } = useRequestError();
  const title = (id: string) => event.sessions.find((s) => s.id === id)?.title ?? id;
  const channelName = (id: string) => event.channels.find((c) => c.id === id)?.name ?? id;

  const submit = () => {
    const iso = new Date(startsAt).toISOString();
    const request = editing
      ? signaling.request('rerun:update', { rerunId: editing, channelId, startsAt: iso, region })
      : signaling.request('rerun:create', { sessionId: sessionId || recorded[0]?.id || '', channelId, startsAt: iso, region });
    run(request.then(() => setEditing(undefined)));
  };
  const edit = (r: ReRunInfo) => {
    setEditing(r.id);
    setSessionId(r.sessionId);
    setChannelId(r.channelId);
    setStartsAt(toLocalInput(r.startsAt));
    setRegion(r.region);
  };
  const remove = (r: ReRunInfo) => run(signaling.request('rerun:delete', { rerunId: r.id }));
  const plan = () =>
    run(
      signaling.request('rerun:plan', {
        sessionId: sessionId || recorded[0]?.id || '',
        channelId,
        date: planDate,
        localTime: planTime,
        places: PLACES.filter((p) => planPlaces.has(p.timeZone)).map((p) => ({ timeZone: p.timeZone, region: p.city })),
      }),
    );
  const togglePlace = (timeZone: string) =>
    setPlanPlaces((now) => {
      const next = new Set(now);
      if (!next.delete(timeZone)) next.add(timeZone);
      return next;
    });

  return (
    // A named region: its fields' visible labels ("Channel", "Start") are their names, and the
    // region says which form they belong to.
    <section className="reruns" aria-labelledby="reruns-title">
      <h2 id="reruns-title">{t('rerun.title')}</h2>
      <div className="player-controls">
        <label>
          {t('columns.session')}{' '}
          <select value={sessionId || recorded[0]?.id || ''} disabled={Boolean(editing)} onChange={(e) => setSessionId(e.target.value)}>
            {recorded.length === 0 && <option value="">{t('rerun.noRecording')}</option>}
            {recorded.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('columns.channel')}{' '}
          <select value={channelId} onChange={(e) => setChannelId(e.target.value)}>
            {event.channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('columns.start')}{' '}
          <input type="datetime-local" step={1} value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
        </label>
        <label>
          {t('columns.region')}{' '}
          <input value={region} maxLength={60} onChange={(e) => setRegion(e.target.value)} />
        </label>
        <button type="button" onClick={submit} disabled={!editing && recorded.length === 0}>
          {editing ? t('rerun.save') : t('rerun.schedule')}
        </button>
        {editing && (
          <button type="button" className="secondary" onClick={() => setEditing(undefined)}>
            {t('rerun.cancel')}
          </button>
        )}
      </div>
      {/* The session and channel above, at one local time in each place chosen. */}
      <fieldset className="rerun-plan">
        <legend>{t('rerun.plan.title')}</legend>
        <label>
          {t('rerun.plan.date')} <input type="date" value={planDate} onChange={(e) => setPlanDate(e.target.value)} />
        </label>{' '}
        <label>
          {t('rerun.plan.time')} <input type="time" value={planTime} onChange={(e) => setPlanTime(e.target.value)} />
        </label>
        <div className="places">
          {PLACES.map((p) => (
            <label key={p.timeZone}>
              <input type="checkbox" checked={planPlaces.has(p.timeZone)} onChange={() => togglePlace(p.timeZone)} /> {p.city}
            </label>
          ))}
        </div>
        <button type="button" onClick={plan} disabled={editing !== undefined || recorded.length === 0 || planPlaces.size === 0}>
          {t('rerun.plan.submit')}
        </button>
      </fieldset>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {event.reruns.length > 0 && (
        <table data-testid="reruns">
          <thead>
            <tr>
              <th>{t('columns.session')}</th>
              <th>{t('columns.channel')}</th>
              <th>{t('columns.start')}</th>
              <th>{t('columns.end')}</th>
              <th>{t('columns.region')}</th>
              <th>{t('columns.state')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {event.reruns.map((r) => (
              <tr key={r.id}>
                <td>{title(r.sessionId)}</td>
                <td>{channelName(r.channelId)}</td>
                <td>{format.dateTime(r.startsAt)}</td>
                <td>{format.time(r.endsAt)}</td>
                <td dir="auto">{r.region}</td>
                <td>{t(`rerun.status.${r.status}`)}</td>
                <td>
                  {r.status === 'scheduled' && (
                    <button type="button" className="secondary" onClick={() => edit(r)}>
                      {t('rerun.edit')}
                    </button>
                  )}{' '}
                  {(r.status === 'scheduled' || r.status === 'playing') && (
                    <button type="button" className="secondary" onClick={() => remove(r)}>
                      {r.status === 'playing' ? t('rerun.stop') : t('rerun.remove')}
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
