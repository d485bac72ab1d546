import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Link, Route, Routes, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { StandInfo } from '@hybrid-stage/shared';
import { may } from '@hybrid-stage/shared/permissions';
import { useGrant } from '../../signaling/SignalingContext';
import { AnalyticsPanel } from './stands/AnalyticsPanel';
import { requestErrorText } from '../../signaling/requestError';
import { exhibitionApi } from './exhibitionApi';
import { StandEditor } from './stands/StandEditor';
import { StandList } from './stands/StandList';
import { StandPanel } from './stands/StandPanel';
import { usePresence } from './usePresence';
import { NotFoundPage } from '../notFound/NotFoundPage';
import { useHallInput } from './useHallInput';
import './exhibition.css';

// three.js comes only with the views that draw in 3D.
const loadHallView = () => import('./hall/HallView');
const HallView = lazy(loadHallView);
const HqTour = lazy(() => import('./hq/HqTour'));

/** Whether this browser can draw WebGL (else the hall falls back to the list). */
function hasWebGl(): boolean {
  try {
    const c = document.createElement('canvas');
    return !!(c.getContext('webgl2') ?? c.getContext('webgl'));
  } catch {
    return false;
  }
}

/** The exhibition's routes: the hall (3D or list) at /exhibition, the HQ stroll at /exhibition/hq. */
export default function ExhibitionRoutes() {
  const { t } = useTranslation('exhibition');
  return (
    <Routes>
      <Route index element={<ExhibitionPage />} />
      <Route
        path="hq"
        element={
          <Suspense fallback={<p role="status">{t('loading.hq')}</p>}>
            <HqTour />
          </Suspense>
        }
      />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

/**
 * The virtual exhibition: the 3D hall with a stand's panel beside it, or the same stands as an
 * accessible list (`?view=list`, or automatically without WebGL). Exhibitors and admins also get
 * their tools and the visit analytics here.
 */
function ExhibitionPage() {
  const { t } = useTranslation('exhibition');
  const grant = useGrant();
  const [params, setParams] = useSearchParams();
  const [webGl] = useState(hasWebGl);
  const view = params.get('view') === 'list' || !webGl ? 'list' : 'hall';
  const [stands, setStands] = useState<StandInfo[]>();
  const [error, setError] = useState<unknown>();
  const [openStand, setOpenStand] = useState<string | null>(params.get('stand'));
  const [tool, setTool] = useState<'none' | 'analytics' | 'add'>('none');
  const presence = usePresence(openStand);

  useEffect(() => {
    exhibitionApi.stands().then(setStands, (e: unknown) => setError(e ?? new Error()));
  }, []);
  // Fetch three.js while the stands load, not after.
  useEffect(() => void (view === 'hall' && loadHallView()), [view]);
  // The page's own key (the hall and the HQ tour add theirs through the same hook); loaded with the
  // page, the hook stays out of the chunk the 3D views share with three.js.
  useHallInput({ onEscape: () => setOpenStand(null) });
  const changed = useCallback((stand: StandInfo) => setStands((list) => (list?.some((s) => s.id === stand.id) ? list.map((s) => (s.id === stand.id ? stand : s)) : [...(list ?? []), stand])), []);
  const setView = (next: 'hall' | 'list') =>
    setParams((p) => {
      p.set('view', next);
      return p;
    });

  const open = stands?.find((s) => s.id === openStand);
  const manager = may(grant, 'exhibition:analytics');
  return (
    <section className={`exhibition exhibition-${view}`}>
      <div className="exhibition-bar">
        <h1>{t('title')}</h1>
        <div role="group" aria-label={t('bar.view')} className="view-toggle">
          <button type="button" aria-pressed={view === 'hall'} onClick={() => setView('hall')} disabled={!webGl} title={webGl ? undefined : t('bar.noWebGl')}>
            {t('bar.hall')}
          </button>
          <button type="button" aria-pressed={view === 'list'} onClick={() => setView('list')}>
            {t('bar.list')}
          </button>
        </div>
        <Link to="/exhibition/hq" className="button secondary">
          {t('bar.hq')}
        </Link>
        {manager && (
          <button type="button" className="secondary" aria-pressed={tool === 'analytics'} onClick={() => setTool((current) => (current === 'analytics' ? 'none' : 'analytics'))}>
            {t('bar.analytics')}
          </button>
        )}
        {may(grant, 'stand:add') && (
          <button type="button" className="secondary" aria-pressed={tool === 'add'} onClick={() => setTool((current) => (current === 'add' ? 'none' : 'add'))}>
            {t('bar.addStand')}
          </button>
        )}
        {!webGl && <span className="muted">{t('bar.listInstead')}</span>}
      </div>
      {error !== undefined && (
        <p className="error" role="alert">
          {t('errors.stands', { reason: requestErrorText(t, error) })}
        </p>
      )}
      {tool !== 'none' && (
        <div className="exhibition-tools">
          {tool === 'analytics' && <AnalyticsPanel />}
          {tool === 'add' && (
            <>
              <h2>{t('bar.addStand')}</h2>
              <StandEditor
                onSaved={(s) => {
                  changed(s);
                  setTool('none');
                  setOpenStand(s.id);
                }}
              />
            </>
          )}
        </div>
      )}
      {!stands ? (
        error === undefined && <p role="status">{t('loading.hall')}</p>
      ) : view === 'list' ? (
        <StandList stands={stands} presence={presence} openStand={openStand} onOpen={setOpenStand} onChanged={changed} grant={grant} />
      ) : (
        <div className="hall-layout">
          <p className="visually-hidden" aria-live="polite">
            {open ? t('hall.opened', { name: open.exhibitor }) : ''}
          </p>
          <Suspense fallback={<p role="status" className="hall-loading">{t('loading.building')}</p>}>
            <HallView stands={stands} presence={presence} openStand={openStand} onOpen={setOpenStand} />
          </Suspense>
          {open && (
            <aside className="hall-panel" aria-label={t('hall.panel', { name: open.exhibitor })}>
              <StandPanel key={open.id} stand={open} visitors={presence[open.id] ?? 1} grant={grant} onChanged={changed} onClose={() => setOpenStand(null)} />
            </aside>
          )}
        </div>
      )}
    </section>
  );
}
