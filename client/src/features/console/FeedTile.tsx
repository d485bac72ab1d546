import { useMemo } from 'react';
import type { FeedHealth, FeedInfo } from '@hybrid-stage/shared';
import { AudioMeter } from '../../player/AudioMeter';
import { Player } from '../../player/Player';
import { useWatch } from '../../player/useWatch';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/useFormat';

/** Props of {@link FeedTile}. */
export interface FeedTileProps {
  feed: FeedInfo;
  /** The key that selects it (1-9), if any. */
  hotkey?: number;
  studioName: string;
  health: FeedHealth | undefined;
  tally: 'program' | 'preview' | 'pending' | null;
  onSelect: () => void;
}

/** One feed in the multiview: live thumbnail, name, health, tally. Click to preview it. */
export function FeedTile({ feed, hotkey, studioName, health, tally, onSelect }: FeedTileProps) {
  const { t } = useTranslation('production');
  const format = useFormat();
  const source = useMemo(() => ({ kind: 'feed', id: feed.id }) as const, [feed.id]);
  const state = useWatch(source, feed.kinds.join('+'));
  return (
    <button type="button" className={`feed-tile tally-${tally ?? 'none'}`} onClick={onSelect} data-feed={feed.label} aria-pressed={tally === 'preview'}>
      <Player state={state} />
      <AudioMeter stream={state.kind === 'playing' ? state.watch.stream : undefined} />
      <span className="feed-tile-name">
        {hotkey !== undefined && <kbd>{hotkey}</kbd>} {feed.label}{' '}
        {feed.source === 'recording' ? <span className="badge badge-rerun">{t('badge.reRun', { ns: 'viewer' })}</span> : <span className="muted">{studioName}</span>}
      </span>
      <span className="feed-tile-health">
        {health ? (
          health.stalled ? (
            <span className="badge stalled">{t('feed.stalled')}</span>
          ) : (
            <>
              {t('feed.health', { kbps: format.number(Math.round(health.bitrate / 1000)), fps: format.number(health.framesPerSecond), loss: format.number(health.lossPercent, { maximumFractionDigits: 1 }) })}
              {health.msSinceKeyFrame !== null && ` · ${t('feed.keyframeAgo', { seconds: format.number(health.msSinceKeyFrame / 1000, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) })}`}
            </>
          )
        ) : (
          <span className="muted">{t('feed.measuring')}</span>
        )}
      </span>
    </button>
  );
}
