import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ChannelState } from '@hybrid-stage/shared';
import { nowAndNext, type Slot } from '../agenda/schedule';
import { useFormat } from '../../i18n/useFormat';

/** The event's channels with what is on now and next; the current one is marked. */
export function ChannelList({ channels, slots, now, current }: { channels: ChannelState[]; slots: Slot[]; now: number; current?: string }) {
  const { t } = useTranslation('viewer');
  const format = useFormat();
  return (
    <nav className="channel-list" aria-labelledby="channel-list-title">
      <h2 id="channel-list-title">{t('watch.channels')}</h2>
      <ul>
        {channels.map((channel) => {
          const { now: on, next } = nowAndNext(slots, channel.id, now);
          return (
            <li key={channel.id}>
              <Link
                to={`/channel/${channel.id}`}
                className="channel-item"
                data-channel={channel.id}
                aria-current={channel.id === current ? 'page' : undefined}
              >
                <span className="channel-item-name">
                  <span className={channel.program ? 'dot dot-live' : 'dot'} aria-hidden="true" />
                  {channel.name}
                  {!channel.program && <span className="muted"> · {t('badge.offAir')}</span>}
                </span>
                <span className="channel-item-now">{on ? on.session.title : t('watch.nothingScheduled')}</span>
                {next && (
                  <span className="channel-item-next">
                    {t('watch.nextAt', { time: format.time(next.startMs), title: next.session.title })}
                  </span>
                )}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
