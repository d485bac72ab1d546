import { useEffect, useId, useMemo } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { AgendaSession } from '@hybrid-stage/shared';
import { useEvent } from '../../signaling/useEvent';
import { useStoredState } from '../../player/useStoredState';
import { useFormat, type Format } from '../../i18n/useFormat';
import type { ReRunSlot } from '@hybrid-stage/shared';
import { isKnownTimeZone, nowAndNext, reRunsOf, sessionsByDay } from './schedule';
import { useSlots } from './useSlots';
import { useNow } from './useNow';

/** The browser's own time zone. */
function detectedTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * The whole event schedule in the viewer's time zone (detected, changeable), with each session's
 * time in the event's own zone on hover or focus, its re-runs beside it, what is on now and next,
 * and calendar (.ics) downloads.
 */
export function AgendaPage() {
  const { t } = useTranslation('viewer');
  const format = useFormat();
  const event = useEvent();
  const now = useNow();
  const [stored, setTimeZone] = useStoredState<string>('agenda.timeZone', '');
  const timeZone = stored && isKnownTimeZone(stored) ? stored : detectedTimeZone();
  const zones = useMemo(() => {
    const all = Intl.supportedValuesOf('timeZone');
    return all.includes(timeZone) ? all : [timeZone, ...all];
  }, [timeZone]);
  const sessions = event?.sessions;
  const slots = useSlots(event);
  const days = useMemo(() => sessionsByDay(sessions ?? [], timeZone), [sessions, timeZone]);

  useEffect(() => {
    document.title = `${t('agenda.title')} · Hybrid Stage`;
  }, [t]);

  if (!event) return <p>{t('common:loading')}</p>;
  // What is on now and next on each channel, to highlight: keyed "session:<id>" or "rerun:<id>".
  const highlight = new Map<string, 'now' | 'next'>();
  const key = (slot: { session: AgendaSession; reRun?: ReRunSlot }) => (slot.reRun ? `rerun:${slot.reRun.id}` : `session:${slot.session.id}`);
  for (const channel of event.channels) {
    const { now: on, next } = nowAndNext(slots, channel.id, now);
    if (on) highlight.set(key(on), 'now');
    if (next) highlight.set(key(next), 'next');
  }
  const reRuns = new Map<string, ReRunSlot[]>();
  for (const reRun of reRunsOf(event)) reRuns.set(reRun.sessionId, [...(reRuns.get(reRun.sessionId) ?? []), reRun]);
  const channelName = (id: string) => event.channels.find((c) => c.id === id)?.name ?? id;

  return (
    <section className="agenda" aria-labelledby="agenda-title">
      <div className="agenda-heading">
        <h1 id="agenda-title">{t('agenda.title')}</h1>
        <div className="agenda-tools">
          <label>
            {t('agenda.timeZone')}{' '}
            <select value={timeZone} onChange={(e) => setTimeZone(e.target.value)} data-testid="time-zone">
              {zones.map((zone) => (
                <option key={zone} value={zone}>
                  {zone.replaceAll('_', ' ')}
                </option>
              ))}
            </select>
          </label>
          <a className="button secondary" href="/api/agenda.ics" download="agenda.ics" data-testid="agenda-ics">
            {t('agenda.downloadAll')}
          </a>
        </div>
      </div>
      <p className="muted">
        {t('agenda.shownIn', { zone: format.zoneName(timeZone), eventZone: format.zoneName(event.timeZone) })}
      </p>
      {days.length === 0 && <p>{t('agenda.empty')}</p>}
      {days.map(([day, list]) => (
        <section key={day} className="agenda-day" aria-labelledby={`day-${day}`}>
          <h2 id={`day-${day}`}>{format.day(list[0]!.startsAt, timeZone)}</h2>
          <ol className="agenda-list">
            {list.map((session) => (
              <SessionRow
                key={session.id}
                session={session}
                reRuns={reRuns.get(session.id) ?? []}
                channelName={channelName}
                timeZone={timeZone}
                eventTimeZone={event.timeZone}
                highlight={highlight}
                format={format}
              />
            ))}
          </ol>
        </section>
      ))}
    </section>
  );
}

interface SessionRowProps {
  session: AgendaSession;
  reRuns: ReRunSlot[];
  channelName: (id: string) => string;
  timeZone: string;
  eventTimeZone: string;
  highlight: Map<string, 'now' | 'next'>;
  format: Format;
}

function SessionRow({ session, reRuns, channelName, timeZone, eventTimeZone, highlight, format }: SessionRowProps) {
  const { t } = useTranslation('viewer');
  const mark = highlight.get(`session:${session.id}`);
  return (
    <li className={`agenda-item${mark ? ` is-${mark}` : ''}`} data-session={session.id}>
      <SlotTime from={session.startsAt} to={session.endsAt} timeZone={timeZone} eventTimeZone={eventTimeZone} format={format} />
      <div className="agenda-body">
        <div className="agenda-title">
          {mark && <span className={`badge badge-${mark}`}>{mark === 'now' ? t('agenda.onNow') : t('agenda.upNext')}</span>}
          <strong>{session.title}</strong>
        </div>
        <span className="muted">
          <Link to={`/channel/${session.channelId}`}>{channelName(session.channelId)}</Link>
          {session.speakers.length > 0 && ` · ${session.speakers.join(', ')}`}
        </span>
        {reRuns.length > 0 && (
          <ul className="reruns" aria-label={t('agenda.reRuns')}>
            {reRuns.map((reRun) => (
              <li key={reRun.id} className={highlight.has(`rerun:${reRun.id}`) ? `is-${highlight.get(`rerun:${reRun.id}`)}` : undefined} data-rerun={reRun.id}>
                <span className="badge badge-rerun">{t('agenda.reRunFor', { region: reRun.region })}</span>{' '}
                <SlotTime from={reRun.startsAt} to={reRun.endsAt} timeZone={timeZone} eventTimeZone={eventTimeZone} format={format} withDay />{' '}
                <Link to={`/channel/${reRun.channelId}`}>{channelName(reRun.channelId)}</Link>
              </li>
            ))}
          </ul>
        )}
      </div>
      <a className="ics-link" href={`/api/sessions/${encodeURIComponent(session.id)}.ics`} download={`${session.id}.ics`}>
        {t('agenda.addToCalendar')}
        <span className="visually-hidden">: {session.title}</span>
      </a>
    </li>
  );
}

/** A time range in the viewer's zone; hovering or focusing it shows the time in the event's zone. */
function SlotTime(props: { from: string; to: string; timeZone: string; eventTimeZone: string; format: Format; withDay?: boolean }) {
  const { t } = useTranslation('viewer');
  const id = useId();
  const { format } = props;
  const origin = t('agenda.originTime', {
    time: format.timeRange(props.from, props.to, props.eventTimeZone),
    day: format.day(props.from, props.eventTimeZone),
    zone: format.zoneName(props.eventTimeZone, Date.parse(props.from)),
  });
  return (
    <span className="slot-time">
      <time dateTime={props.from} tabIndex={0} aria-describedby={id} data-testid="session-time">
        {props.withDay && `${format.day(props.from, props.timeZone)} · `}
        {format.timeRange(props.from, props.to, props.timeZone)}
      </time>
      <span role="tooltip" id={id} className="origin-time">
        {origin}
      </span>
    </span>
  );
}
