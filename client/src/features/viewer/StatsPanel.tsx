import { useTranslation } from 'react-i18next';
import type { VideoStats } from '../../player/useVideoStats';
import { useFormat } from '../../i18n/useFormat';

/** Bitrate, packet loss and estimated latency of what the viewer receives. */
export function StatsPanel({ stats }: { stats: VideoStats | undefined }) {
  const { t } = useTranslation('viewer');
  const format = useFormat();
  return (
    <details className="stats-panel" open>
      <summary>{t('stats.title')}</summary>
      {stats ? (
        <dl className="stats" data-testid="stats">
          <div>
            <dt>{t('stats.picture')}</dt>
            <dd>
              {stats.width}×{stats.height} · {t('stats.fps', { value: format.number(stats.framesPerSecond) })}
            </dd>
          </div>
          <div>
            <dt>{t('stats.bitrate')}</dt>
            <dd>{t('stats.kbps', { value: format.number(stats.kbps) })}</dd>
          </div>
          <div>
            <dt>{t('stats.loss')}</dt>
            <dd>{format.number(stats.lossPercent / 100, { style: 'percent', maximumFractionDigits: 1 })}</dd>
          </div>
          <div>
            <dt>{t('stats.latency')}</dt>
            <dd title={t('stats.latencyHint')}>{t('stats.ms', { value: format.number(stats.latencyMs) })}</dd>
          </div>
          <div>
            <dt>{t('stats.frames')}</dt>
            <dd>{format.number(stats.framesDecoded)}</dd>
          </div>
        </dl>
      ) : (
        <p className="muted">{t('stats.measuring')}</p>
      )}
    </details>
  );
}
