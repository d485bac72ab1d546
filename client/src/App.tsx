import { lazy, Suspense } from 'react';
import { BrowserRouter, Link, NavLink, Outlet, Route, Routes, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { SignalingProvider, useConnectionStatus } from './signaling/SignalingContext';
import { HomePage } from './features/home/HomePage';
import { ChannelPage } from './features/viewer/ChannelPage';
import { WATCH_PAGES } from './media/pageMedia';
import { LanguagePicker } from './i18n/LanguagePicker';
import { RegistrationGate } from './features/registration/RegistrationGate';
import { NotFoundPage } from './features/notFound/NotFoundPage';

// The watch pages are in the first chunk, so a viewer's first frame comes fast; every other page is
// a chunk of its own, loaded when opened. The exhibition brings three.js with it.
const KioskPage = lazy(() => import('./features/viewer/KioskPage').then((m) => ({ default: m.KioskPage })));
const AgendaPage = lazy(() => import('./features/agenda/AgendaPage').then((m) => ({ default: m.AgendaPage })));
const ConsolePage = lazy(() => import('./features/console/ConsolePage').then((m) => ({ default: m.ConsolePage })));
const StudioPage = lazy(() => import('./features/studio/StudioPage').then((m) => ({ default: m.StudioPage })));
const DeskPage = lazy(() => import('./features/captions/DeskPage').then((m) => ({ default: m.DeskPage })));
const CinemaPage = lazy(() => import('./features/cinema/CinemaPage').then((m) => ({ default: m.CinemaPage })));
const AdminPage = lazy(() => import('./features/admin/AdminPage').then((m) => ({ default: m.AdminPage })));
const ExhibitionRoutes = lazy(() => import('./features/exhibition/ExhibitionPage'));

function ConnectionBadge() {
  const { t } = useTranslation('common');
  const status = useConnectionStatus();
  // A stopping server is announced by the notice below the header; the badge just says offline.
  const shown = status === 'restarting' || status === 'shuttingDown' ? 'offline' : status;
  return (
    <span className={`connection connection-${shown}`} role="status">
      {t(`connection.${shown}`)}
    </span>
  );
}

/** Across the page while the server restarts or stops: what happens, until it is back. */
function ServerNotice() {
  const { t } = useTranslation('common');
  const status = useConnectionStatus();
  if (status !== 'restarting' && status !== 'shuttingDown') return null;
  return (
    <p className="server-notice" role="alert">
      {t(`connection.${status}`)}
    </p>
  );
}

/** Header, navigation and the page, for every route but the venue screens. */
function AppShell() {
  const { t } = useTranslation('common');
  // "Watch" covers the channel list and every channel page.
  const watching = /^\/(channel\/.*)?$/.test(useLocation().pathname);
  return (
    <>
      <a href="#content" className="skip-link">
        {t('nav.skip')}
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          Hybrid Stage
        </Link>
        <nav className="app-nav" aria-label={t('nav.label')}>
          <NavLink to="/" className={watching ? 'active' : undefined}>
            {t('nav.watch')}
          </NavLink>
          <NavLink to="/agenda">{t('nav.agenda')}</NavLink>
          <NavLink to="/exhibition">{t('nav.exhibition')}</NavLink>
          <NavLink to="/cinema">{t('nav.cinema')}</NavLink>
        </nav>
        <span className="header-end">
          <LanguagePicker />
          <ConnectionBadge />
        </span>
      </header>
      <ServerNotice />
      <main id="content" tabIndex={-1}>
        <Suspense fallback={<p role="status">{t('nav.loading')}</p>}>
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}

/** The lazily loaded exhibition, with a word while its chunk arrives. */
function ExhibitionRoute() {
  const { t } = useTranslation('common');
  return (
    <Suspense fallback={<p role="status">{t('nav.openingExhibition')}</p>}>
      <ExhibitionRoutes />
    </Suspense>
  );
}

/**
 * The app: the shell with each feature's routes, and full-screen venue screens without it. A page
 * added here is added to APP_PAGES (shared/src/pages.ts) too, or the server answers it with 404.
 */
export function App() {
  return (
    <SignalingProvider>
      <BrowserRouter>
        <Routes>
          <Route element={<RegistrationGate />}>
            <Route
              path={WATCH_PAGES.kiosk}
              element={
                <Suspense fallback={null}>
                  <KioskPage />
                </Suspense>
              }
            />
          </Route>
          <Route element={<AppShell />}>
            {/* What viewers see, behind the form when the event asks viewers to register. */}
            <Route element={<RegistrationGate />}>
              <Route path="/" element={<HomePage />} />
              <Route path={WATCH_PAGES.channel} element={<ChannelPage />} />
              <Route path="/agenda" element={<AgendaPage />} />
              <Route path="/exhibition/*" element={<ExhibitionRoute />} />
              <Route path="/cinema" element={<CinemaPage />} />
            </Route>
            <Route path="/console" element={<ConsolePage />} />
            <Route path="/desk/:channelId/:language" element={<DeskPage />} />
            <Route path="/studio/:studioId" element={<StudioPage />} />
            <Route path="/admin" element={<AdminPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </SignalingProvider>
  );
}
