import { useMemo } from 'react';
import { isProducer, may, mayPublishIn } from '@hybrid-stage/shared/permissions';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useGrant } from '../../signaling/SignalingContext';
import { useEvent } from '../../signaling/useEvent';
import { nowAndNext } from '../agenda/schedule';
import { useSlots } from '../agenda/useSlots';
import { useNow } from '../agenda/useNow';
import { useFormat } from '../../i18n/useFormat';

/** The event's channels to watch with what is on now and next, and for studios and producers the way to their desks. */
export function HomePage() {
  const { t } = useTranslation('viewer');
  const format = useFormat();
  const event = useEvent();
  const grant = useGrant();
  const now = useNow();
  const slots = useSlots(event);
  if (!event) return <p>{t('common:loading')}</p>;
  const feedLabel = (id: string | null) => event.feeds.find((f) => f.id === id)?.label;
  const studios = event.studios.filter((s) => mayPublishIn(grant, s.id));
  return (
    <section>
      <h1>{event.name}</h1>
      {isProducer(grant) && (
        <p>
          <Link to="/console" className="button">
            {t('home.openConsole')}
          </Link>
          {may(grant, 'registration:list') && (
            <>
              {' '}
              <Link to="/admin" className="button secondary">
                {t('access:admin.title')}
              </Link>
            </>
          )}
        </p>
      )}
      {(['main', 'regional', 'breakout'] as const).map((kind) => {
        const channels = event.channels.filter((c) => c.kind === kind);
        if (channels.length === 0) return null;
        return (
          <div key={kind}>
            <h2>{t(`home.kind.${kind}`)}</h2>
            <div className="cards">
              {channels.map((channel) => {
                const { now: on, next } = nowAndNext(slots, channel.id, now);
                return (
                  <Link key={channel.id} to={`/channel/${channel.id}`} className="card channel-card" data-channel={channel.id}>
                    <strong>
                      <span aria-hidden="true">▶ </span>
                      {channel.name}
                    </strong>
                    {on && <span>{on.session.title}</span>}
                    {next && <span className="muted">{t('watch.nextAt', { time: format.time(next.startMs), title: next.session.title })}</span>}
                    <span className="muted">
                      {channel.program ? t('home.onAir', { feed: feedLabel(channel.program) ?? '…' }) : t('badge.offAir')}
                    </span>
                  </Link>
                );
              })}
            </div>
          </div>
        );
      })}
      {event.reruns.some((r) => r.status === 'scheduled' || r.status === 'playing') && (
        <>
          <h2>{t('home.reRuns')}</h2>
          <ul className="rerun-list">
            {event.reruns
              .filter((r) => r.status === 'scheduled' || r.status === 'playing')
              .map((r) => (
                <li key={r.id}>
                  <Link to={`/channel/${r.channelId}`}>{event.sessions.find((s) => s.id === r.sessionId)?.title ?? t('home.session')}</Link>{' '}
                  <span className="muted">
                    · <bdi>{r.region}</bdi> · {event.channels.find((c) => c.id === r.channelId)?.name} ·{' '}
                    {r.status === 'playing' ? t('agenda.onNow') : format.dateTime(r.startsAt)}
                  </span>
                </li>
              ))}
          </ul>
        </>
      )}
      <p>
        <Link to="/cinema" className="button secondary">
          {t('home.cinema')}
        </Link>
      </p>
      {studios.length > 0 && grant.role !== 'viewer' && (
        <>
          <h2>{t('home.studios')}</h2>
          <div className="cards">
            {studios.map((studio) => (
              <article key={studio.id} className="card" data-studio={studio.id}>
                <strong>{studio.name}</strong>
                <span className="muted">{t('home.liveFeeds', { count: event.feeds.filter((f) => f.studioId === studio.id).length })}</span>
                <Link to={`/studio/${studio.id}`} className="button secondary">
                  {t('home.publish')}
                </Link>
              </article>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
