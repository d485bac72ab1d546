import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { initI18n } from './i18n';
import './styles.css';

// The UI language is known (and its texts loaded) before the first render. The first render is a
// transition: React draws in slices and lets the connection's messages through between them, so a
// watch page's join (started by pageMedia as the connection opens) is not held up behind drawing.
void initI18n().then(() => {
  const root = createRoot(document.getElementById('root')!);
  startTransition(() =>
    root.render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );
});
