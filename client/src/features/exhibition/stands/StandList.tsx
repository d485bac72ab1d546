import { useTranslation } from 'react-i18next';
import { REGIONS } from '@hybrid-stage/shared/vocabulary';
import type { Grant, StandInfo, StandPresenceCounts } from '@hybrid-stage/shared';
import { StandPanel } from './StandPanel';

/** Props of {@link StandList}. */
export interface StandListProps {
  stands: readonly StandInfo[];
  presence: StandPresenceCounts;
  openStand: string | null;
  onOpen: (standId: string | null) => void;
  onChanged: (stand: StandInfo) => void;
  grant: Grant;
}

/**
 * The exhibition without 3D: every stand by region, each opening the same panel as in the hall
 * (products, video, team, comments, gift). Used when WebGL is missing, and by anyone who prefers it.
 */
export function StandList({ stands, presence, openStand, onOpen, onChanged, grant }: StandListProps) {
  const { t } = useTranslation('exhibition');
  return (
    <div className="stand-list" data-testid="stand-list">
      {REGIONS.map((region) => {
        const inRegion = stands.filter((s) => s.region === region);
        if (inRegion.length === 0) return null;
        return (
          <section key={region} aria-labelledby={`region-${region}`}>
            <h2 id={`region-${region}`}>{t(`regions.${region}`)}</h2>
            <ul className="stand-cards">
              {inRegion.map((s) => {
                const open = s.id === openStand;
                const here = presence[s.id] ?? 0;
                return (
                  <li key={s.id} className={open ? 'stand-card open' : 'stand-card'} style={{ ['--brand' as string]: s.colours.primary, ['--accent' as string]: s.colours.accent }}>
                    <button type="button" className="stand-card-button" aria-expanded={open} aria-controls={`stand-panel-${s.id}`} onClick={() => onOpen(open ? null : s.id)}>
                      <span className="stand-logo" aria-hidden="true">
                        {s.logoText.slice(0, 1)}
                      </span>
                      <span>
                        <strong>
                          <bdi>{s.exhibitor}</bdi>
                        </strong>
                        <span className="muted">
                          {' '}
                          <bdi>{s.tagline}</bdi>
                        </span>
                      </span>
                      <span className="muted stand-card-count">{here > 0 ? t('list.here', { count: here }) : ''}</span>
                    </button>
                    {open && (
                      <div id={`stand-panel-${s.id}`}>
                        <StandPanel stand={s} visitors={here || 1} grant={grant} onChanged={onChanged} level={3} />
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
