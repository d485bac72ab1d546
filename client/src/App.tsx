import { BrowserRouter, Link, Route, Routes } from 'react-router';
import { SignalingProvider, useConnectionStatus } from './signaling/SignalingContext';
import { HomePage } from './features/home/HomePage';
import { ChannelPage } from './features/viewer/ChannelPage';
import { ConsolePage } from './features/console/ConsolePage';
import { StudioPage } from './features/studio/StudioPage';
import { DeskPage } from './features/captions/DeskPage';
import { CinemaPage } from './features/cinema/CinemaPage';
import { MediaSessionProvider } from './player/MediaSessionContext';

const STATUS_TEXT = {
  connecting: 'Connecting…',
  connected: 'Connected',
  offline: 'Offline: reconnecting…',
  reload: 'This page is out of date: please reload it.',
  badLink: 'This invite link is not valid or has expired: ask for a new one.',
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
      <MediaSessionProvider>
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
            <Route path="/channel/:channelId" element={<ChannelPage />} />
            <Route path="/console" element={<ConsolePage />} />
            <Route path="/desk/:channelId/:language" element={<DeskPage />} />
            <Route path="/studio/:studioId" element={<StudioPage />} />
            <Route path="/cinema" element={<CinemaPage />} />
          </Routes>
        </main>
      </BrowserRouter>
      </MediaSessionProvider>
    </SignalingProvider>
  );
}
