import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CinemaPlayer } from './CinemaPlayer';

/**
 * Over the hall (outside the canvas) while the visitor watches the cinema: the film's title, the
 * sound button, a link to the 2D cinema, and the caption in the UI language as text.
 */
export function CinemaHud({ cinema }: { cinema: CinemaPlayer }) {
  const { t } = useTranslation('exhibition');
  const state = useSyncExternalStore(cinema.subscribe, cinema.snapshot);
  if (!state.watching || !state.film) return null;
  return (
    <>
      <section className="cinema-hud" aria-label={t('scene.cinema')} data-testid="cinema-hud">
        <p className="cinema-now">{t('cinema.nowPlaying', { index: state.index + 1, count: state.count })}</p>
        <p className="cinema-title" data-testid="cinema-title">
          <bdi>{state.film.title}</bdi>
        </p>
        <div className="cinema-actions">
          <button type="button" onClick={() => cinema.setSound(state.muted)}>
            {state.muted ? t('cinema.soundOn') : t('cinema.soundOff')}
          </button>
          <Link to="/cinema" className="button secondary">
            {t('cinema.open')}
          </Link>
        </div>
      </section>
      {state.cue && (
        <p className="cinema-caption" lang={state.cueLanguage ?? undefined} dir="auto" data-testid="cinema-caption">
          {state.cue}
        </p>
      )}
    </>
  );
}
