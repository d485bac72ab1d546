import { BrowserRouter, Link, Route, Routes } from 'react-router';
import { SignalingProvider, useConnectionStatus } from './signaling/SignalingContext';
import { HomePage } from './features/home/HomePage';
import { WatchPage } from './features/viewer/WatchPage';
import { StudioPage } from './features/studio/StudioPage';

const STATUS_TEXT = {
  connecting: 'Connecting…',
  connected: 'Connected',
  offline: 'Offline: reconnecting…',
  reload: 'This page is out of date: please reload it.',
} as const;

function ConnectionBadge() {
  const status = useConnectionStatus();
  return (
    <span className={`connection connection-${status}`} role="status">
      {STATUS_TEXT[status]}
    </span>
  );
}

/** The app shell: header, connection state and the routes of each feature. */
export function App() {
  return (
    <SignalingProvider>
      <BrowserRouter>
        <header className="app-header">
          <Link to="/" className="brand">
            Hybrid Stage
          </Link>
          <ConnectionBadge />
        </header>
        <main>
          <Routes>
            <Route path="/" element={<HomePage />} />
            <Route path="/watch/:feedId" element={<WatchPage />} />
            <Route path="/studio/:studioId" element={<StudioPage />} />
          </Routes>
        </main>
      </BrowserRouter>
    </SignalingProvider>
  );
}
