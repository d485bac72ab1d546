import { useTranslation } from 'react-i18next';

/** LIVE, RE-RUN (a recorded session played again) or OFF AIR. */
export function OnAirBadge({ onAir, reRun }: { onAir: boolean; reRun: boolean }) {
  const { t } = useTranslation('viewer');
  const kind = !onAir ? 'off' : reRun ? 'rerun' : 'live';
  return (
    <span className={`badge badge-${kind}`} data-testid="on-air-badge">
      {kind === 'off' ? t('badge.offAir') : kind === 'rerun' ? t('badge.reRun') : t('badge.live')}
    </span>
  );
}
