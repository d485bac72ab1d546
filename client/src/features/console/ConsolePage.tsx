import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { FeedHealth, ProgramAlert } from '@hybrid-stage/shared';
import { isProducer } from '@hybrid-stage/shared/permissions';
import { Player } from '../../player/Player';
import { useWatch } from '../../player/useWatch';
import { useGrant, useSignaling } from '../../signaling/SignalingContext';
import { useEvent } from '../../signaling/useEvent';
import { useRequestError } from '../../signaling/requestError';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/useFormat';
import { FeedTile } from './FeedTile';
import { InvitePanel } from './InvitePanel';
import { LanguagePanel } from './LanguagePanel';
import { RecordingPanel, useRecordings } from './RecordingPanel';
import { ReRunPanel } from './ReRunPanel';

/** How many alerts stay on screen. */
const ALERTS_SHOWN = 5;

/**
 * The producer's console: a multiview of every feed, preview and program monitors for one channel,
 * TAKE, the backup feed, the cut log and alerts. Number keys preview a feed; Space or Enter takes.
 */
export function ConsolePage() {
  const { t } = useTranslation('production');
  const format = useFormat();
  const grant = useGrant();
  const signaling = useSignaling();
  const event = useEvent();
  const [channelId, setChannelId] = useState('main');
  const [health, setHealth] = useState<Map<string, FeedHealth>>(new Map());
  const [alerts, setAlerts] = useState<ProgramAlert[]>([]);
  const { error, run } = useRequestError();
  const recordings = useRecordings();
  const channel = event?.channels.find((c) => c.id === channelId);
  const feeds = event?.feeds ?? [];

  useEffect(() => {
    const onHealth = (list: FeedHealth[]) => setHealth(new Map(list.map((h) => [h.feedId, h])));
    const onAlert = (alert: ProgramAlert) => setAlerts((a) => [alert, ...a].slice(0, ALERTS_SHOWN));
    signaling.socket.on('feeds:health', onHealth);
    signaling.socket.on('program:alert', onAlert);
    return () => {
      signaling.socket.off('feeds:health', onHealth);
      signaling.socket.off('program:alert', onAlert);
    };
  }, [signaling]);

  const preview = useCallback(
    (feedId: string | null) => run(signaling.request('program:preview', { channelId, feedId })),
    [run, signaling, channelId],
  );
  const take = useCallback(() => {
    if (channel?.preview) run(signaling.request('program:take', { channelId, feedId: channel.preview }));
  }, [run, signaling, channelId, channel?.preview]);

  // The keys act on what the console shows: the handler reads the state of the last commit (set in a
  // layout effect, before the screen shows it), never that of an effect not yet run after a change.
  const keys = useRef({ feeds, preview, take });
  useLayoutEffect(() => {
    keys.current = { feeds, preview, take };
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target.closest('input, select, textarea')) return;
      if (/^[1-9]$/.test(e.key)) {
        const feed = keys.current.feeds[Number(e.key) - 1];
        if (feed) keys.current.preview(feed.id);
      } else if (e.key === ' ' || e.key === 'Enter') {
        e.preventDefault();
        keys.current.take();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const programSource = useMemo(() => ({ kind: 'channel', id: channelId }) as const, [channelId]);
  const previewSource = useMemo(() => (channel?.preview ? ({ kind: 'feed', id: channel.preview } as const) : undefined), [channel?.preview]);
  const programState = useWatch(programSource);
  const previewState = useWatch(previewSource, feeds.find((f) => f.id === channel?.preview)?.kinds.join('+'));

  if (!isProducer(grant)) {
    return <p role="alert">{t('console.needsProducer')}</p>;
  }
  if (!event || !channel) return <p>{t('common:loading')}</p>;
  const label = (feedId: string | null) => (feedId ? (feeds.find((f) => f.id === feedId)?.label ?? t('console.endedFeed')) : t('console.nothing'));
  const studioName = (studioId: string) => event.studios.find((s) => s.id === studioId)?.name ?? studioId;

  return (
    <section className="console">
      <nav className="channel-tabs" aria-label={t('console.channels')}>
        {event.channels.map((c) => (
          <button key={c.id} type="button" aria-pressed={c.id === channelId} onClick={() => setChannelId(c.id)}>
            {c.name}
          </button>
        ))}
      </nav>
      {alerts.length > 0 && (
        <ul className="alerts" role="alert">
          {alerts.map((a) => (
            <li key={`${a.at}-${a.kind}-${a.feed}`}>
              {format.time(a.at)} · {t(`alerts.${a.kind}`, { feed: a.feed, backup: a.backup, channel: event.channels.find((c) => c.id === a.channelId)?.name ?? a.channelId })}
            </li>
          ))}
        </ul>
      )}
      <div className="monitors">
        <figure className="monitor monitor-preview">
          <figcaption>
            {t('console.preview')} · <span data-testid="preview-label">{label(channel.preview)}</span>
          </figcaption>
          <Player state={previewState} idleText={t('console.selectFeed')} testId="preview-monitor" />
        </figure>
        <div className="take">
          <button type="button" className="take-button" onClick={take} disabled={!channel.preview}>
            {t('console.take')}
          </button>
          {channel.pending && <span className="muted">{t('console.waitingKeyframe', { feed: label(channel.pending) })}</span>}
        </div>
        <figure className="monitor monitor-program">
          <figcaption>
            {t('console.program')} · <span data-testid="program-label">{label(channel.program)}</span>
          </figcaption>
          <Player state={programState} idleText={t('console.offAir')} testId="program-monitor" />
        </figure>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <label className="backup">
        {t('console.backup')}{' '}
        <select
          value={channel.backup ?? ''}
          onChange={(e) => run(signaling.request('program:backup', { channelId, feedId: e.target.value || null }))}
        >
          <option value="">{t('console.none')}</option>
          {feeds.map((f) => (
            <option key={f.id} value={f.id}>
              {f.label}
            </option>
          ))}
        </select>
      </label>
      <div className="multiview">
        {feeds.map((feed, i) => (
          <FeedTile
            key={feed.id}
            feed={feed}
            hotkey={i < 9 ? i + 1 : undefined}
            studioName={studioName(feed.studioId)}
            health={health.get(feed.id)}
            tally={channel.program === feed.id ? 'program' : channel.pending === feed.id ? 'pending' : channel.preview === feed.id ? 'preview' : null}
            onSelect={() => preview(feed.id)}
          />
        ))}
      </div>
      <LanguagePanel channel={channel} />
      <RecordingPanel channel={channel} channels={event.channels} sessions={event.sessions} recordings={recordings} />
      <ReRunPanel event={event} recordings={recordings} />
      <InvitePanel studios={event.studios} channels={event.channels} />
      <h2>{t('console.cutsOn', { channel: channel.name })}</h2>
      <ol className="cut-log" data-testid="cut-log">
        {channel.cuts.map((cut) => (
          <li key={cut.version}>
            {format.time(cut.at)} · {cut.label ?? t('console.offAirLower')} · {t(`console.reason.${cut.reason}`, { by: t(`console.by.${cut.by}`, { defaultValue: cut.by }) })}
          </li>
        ))}
      </ol>
    </section>
  );
}
