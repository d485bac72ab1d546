import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Link, Route, Routes, useSearchParams } from 'react-router';
import type { StandInfo } from '@hybrid-stage/shared';
import { useGrant } from '../../signaling/SignalingContext';
import { AnalyticsPanel } from './AnalyticsPanel';
import { exhibitionApi } from './exhibitionApi';
import { StandEditor } from './StandEditor';
import { StandList } from './StandList';
import { StandPanel } from './StandPanel';
import { usePresence } from './usePresence';
import './exhibition.css';

// three.js comes only with the views that draw in 3D.
const loadHallView = () => import('./HallView');
const HallView = lazy(loadHallView);
const HqTour = lazy(() => import('./HqTour'));

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
  return (
    <Routes>
      <Route index element={<ExhibitionPage />} />
      <Route
        path="hq"
        element={
          <Suspense fallback={<p role="status">Loading the HQ tour…</p>}>
            <HqTour />
          </Suspense>
        }
      />
    </Routes>
  );
}

/**
 * The virtual exhibition: the 3D hall with a stand's panel beside it, or the same stands as an
 * accessible list (`?view=list`, or automatically without WebGL). Exhibitors and admins also get
 * their tools and the visit analytics here.
 */
function ExhibitionPage() {
  const grant = useGrant();
  const [params, setParams] = useSearchParams();
  const [webGl] = useState(hasWebGl);
  const view = params.get('view') === 'list' || !webGl ? 'list' : 'hall';
  const [stands, setStands] = useState<StandInfo[]>();
  const [error, setError] = useState('');
  const [openStand, setOpenStand] = useState<string | null>(params.get('stand'));
  const [tool, setTool] = useState<'none' | 'analytics' | 'add'>('none');
  const presence = usePresence(openStand);

  useEffect(() => {
    exhibitionApi.stands().then(setStands, (e: Error) => setError(e.message));
  }, []);
  // Fetch three.js while the stands load, not after.
  useEffect(() => void (view === 'hall' && loadHallView()), [view]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpenStand(null);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const changed = useCallback((stand: StandInfo) => setStands((list) => (list?.some((s) => s.id === stand.id) ? list.map((s) => (s.id === stand.id ? stand : s)) : [...(list ?? []), stand])), []);
  const setView = (next: 'hall' | 'list') =>
    setParams((p) => {
      p.set('view', next);
      return p;
    });

  const open = stands?.find((s) => s.id === openStand);
  const manager = grant.role === 'admin' || grant.role === 'exhibitor';
  return (
    <section className={`exhibition exhibition-${view}`}>
      <div className="exhibition-bar">
        <h1>Partner Expo</h1>
        <div role="group" aria-label="View" className="view-toggle">
          <button type="button" aria-pressed={view === 'hall'} onClick={() => setView('hall')} disabled={!webGl} title={webGl ? undefined : 'This browser cannot show 3D'}>
            3D hall
          </button>
          <button type="button" aria-pressed={view === 'list'} onClick={() => setView('list')}>
            List
          </button>
        </div>
        <Link to="/exhibition/hq" className="button secondary">
          Stroll around HQ
        </Link>
        {manager && (
          <button type="button" className="secondary" aria-pressed={tool === 'analytics'} onClick={() => setTool((t) => (t === 'analytics' ? 'none' : 'analytics'))}>
            Analytics
          </button>
        )}
        {grant.role === 'admin' && (
          <button type="button" className="secondary" aria-pressed={tool === 'add'} onClick={() => setTool((t) => (t === 'add' ? 'none' : 'add'))}>
            Add a stand
          </button>
        )}
        {!webGl && <span className="muted">3D is not available in this browser: showing the list.</span>}
      </div>
      {error && (
        <p className="error" role="alert">
          Cannot load the stands: {error}
        </p>
      )}
      {tool !== 'none' && (
        <div className="exhibition-tools">
          {tool === 'analytics' && <AnalyticsPanel />}
          {tool === 'add' && (
            <>
              <h2>Add a stand</h2>
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
        !error && <p role="status">Opening the hall…</p>
      ) : view === 'list' ? (
        <StandList stands={stands} presence={presence} openStand={openStand} onOpen={setOpenStand} onChanged={changed} grant={grant} />
      ) : (
        <div className="hall-layout">
          <p className="visually-hidden" aria-live="polite">
            {open ? `Stand of ${open.exhibitor} open beside the hall` : ''}
          </p>
          <Suspense fallback={<p role="status" className="hall-loading">Building the hall…</p>}>
            <HallView stands={stands} presence={presence} openStand={openStand} onOpen={setOpenStand} />
          </Suspense>
          {open && (
            <aside className="hall-panel" aria-label={`Stand of ${open.exhibitor}`}>
              <StandPanel key={open.id} stand={open} visitors={presence[open.id] ?? 1} grant={grant} onChanged={changed} onClose={() => setOpenStand(null)} />
            </aside>
          )}
        </div>
      )}
    </section>
  );
}
