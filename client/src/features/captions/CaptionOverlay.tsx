import { useEffect, useState } from 'react';
import { RTL_LANGUAGES } from '@hybrid-stage/shared/vocabulary';
import type { Cue, Language } from '@hybrid-stage/shared';

/** A cue stays on screen this long after its end, so a slow reader can finish it. */
const LINGER_MS = 2500;

/** Caption text size, as the viewer chooses it. */
export type CaptionSize = 'small' | 'medium' | 'large';

/** The current cues over the video: right to left for Arabic, on a readable dark background. */
export function CaptionOverlay({ cues, language, size }: { cues: Cue[]; language: Language; size: CaptionSize }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  const shown = cues.filter((c) => c.startMs <= now + 1000 && now < c.endMs + LINGER_MS).slice(-2);
  return <CaptionLines lines={shown} language={language} size={size} />;
}

/** Caption lines over the video, as both paths draw them (WebRTC's cues from the socket, HLS's from its subtitle track). */
export function CaptionLines({ lines, language, size }: { lines: Array<{ id: string; text: string }>; language: Language; size: CaptionSize }) {
  if (lines.length === 0) return null;
  return (
    <div className={`captions captions-${size}`} lang={language} dir={RTL_LANGUAGES.has(language) ? 'rtl' : 'ltr'} data-testid="captions" aria-live="polite">
      {lines.map((cue) => (
        <p key={cue.id} className="caption-line">
          {cue.text}
        </p>
      ))}
    </div>
  );
}
