import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language, RecordingHls } from '@hybrid-stage/shared';
import { LANGUAGE_NAMES } from '@hybrid-stage/shared/vocabulary';
import { getJson } from '../../http/api';
import { HlsPlayer } from '../../player/HlsPlayer';
import { useRequestError } from '../../signaling/requestError';

/** While a recording is packaged, its progress is asked for this often. */
const POLL_MS = 2000;

/**
 * A finished recording played in the console over HLS: the first opening has the server package it
 * (the progress shows), then it plays with the browser's controls and a subtitle track per caption
 * language it had.
 */
export function RecordingViewer({ recordingId, title, onClose }: { recordingId: string; title: string; onClose(): void }) {
  const { t } = useTranslation('production');
  const [hls, setHls] = useState<RecordingHls>();
  const [language, setLanguage] = useState<Language | ''>('');
  const { error, run } = useRequestError();
  const source = `/api/recordings/${encodeURIComponent(recordingId)}/hls`;

  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setHls(undefined);
    const poll = () =>
      getJson<RecordingHls>(source).then((answer) => {
        if (!alive) return;
        setHls(answer);
        if (answer.status !== 'ready') timer = setTimeout(() => run(poll()), POLL_MS);
      });
    run(poll());
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [source, run]);

  return (
    <section className="recording-viewer" aria-label={title} data-testid="recording-viewer">
      <div className="player-controls">
        <h3>{title}</h3>
        {hls?.status === 'ready' && hls.captionLanguages.length > 0 && (
          <label>
            {t('recording.captions')}{' '}
            <select value={language} onChange={(e) => setLanguage(e.target.value as Language | '')}>
              <option value="">{t('recording.captionsOff')}</option>
              {hls.captionLanguages.map((l) => (
                <option key={l} value={l} lang={l}>
                  {LANGUAGE_NAMES[l]}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" className="secondary" onClick={onClose}>
          {t('recording.close')}
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {hls?.status === 'packaging' && <p role="status">{t('recording.preparing', { percent: Math.round(hls.progress * 100) })}</p>}
      {hls?.status === 'ready' && (
        <HlsPlayer source={source} muted={false} volume={1} captionLanguage={language} captionSize="medium" onStatus={() => undefined} testId="recording-player" controls />
      )}
    </section>
  );
}
