import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FilmInfo } from '@hybrid-stage/shared';
import { useFormat } from '../../i18n/useFormat';
import { exhibitionApi } from '../exhibition/exhibitionApi';
import { requestErrorText } from '../../signaling/requestError';

/**
 * The cinema: the film library, and the chosen film in the browser's own player with its caption
 * tracks (the player's caption menu picks the language; the UI language's track is on by default).
 */
export function CinemaPage() {
  const { t, i18n } = useTranslation('exhibition');
  const format = useFormat();
  const [films, setFilms] = useState<FilmInfo[]>();
  const [error, setError] = useState<unknown>();
  const [filmId, setFilmId] = useState<string>();
  const video = useRef<HTMLVideoElement>(null);
  const uiLanguage = i18n.resolvedLanguage ?? i18n.language;
  useEffect(() => {
    let alive = true;
    exhibitionApi.films().then(
      (list) => alive && setFilms(list),
      (e: unknown) => alive && setError(e ?? new Error()),
    );
    return () => {
      alive = false;
    };
  }, []);
  // The UI language changed while a film is open: its captions follow (a new film starts with them by `default`).
  useEffect(() => {
    const tracks = video.current?.textTracks;
    if (!tracks) return;
    for (const track of tracks) {
      if (track.language === uiLanguage) track.mode = 'showing';
      else if (track.mode === 'showing') track.mode = 'disabled';
    }
  }, [uiLanguage]);
  if (error !== undefined) return <p role="alert">{t('cinema.loadFailed', { reason: requestErrorText(t, error) })}</p>;
  if (!films) return <p role="status">{t('cinema.loading')}</p>;
  if (films.length === 0) return <p>{t('cinema.empty')}</p>;
  const film = films.find((f) => f.id === filmId) ?? films[0]!;
  return (
    <section>
      <h1>{t('common:nav.cinema')}</h1>
      <div className="cinema">
        <figure className="film">
          {/* key: a new film gets a fresh element, so its tracks load from the start. */}
          <video key={film.id} ref={video} controls playsInline preload="metadata" data-testid="film">
            <source src={film.src} type={film.type} />
            {film.tracks.map((track) => (
              <track key={track.language} kind="subtitles" srcLang={track.language} label={track.label} src={track.src} default={track.language === uiLanguage} />
            ))}
          </video>
          <figcaption>
            {/* Titles and descriptions are the admin's words: shown as written, isolated in their own direction. */}
            <strong>
              <bdi>{film.title}</bdi>
            </strong> <span className="muted">{format.duration(film.durationMs)}</span>
            <p dir="auto">{film.description}</p>
            <p className="muted">
              {film.tracks.length > 0 ? t('cinema.captions', { languages: format.list(film.tracks.map((track) => track.label)) }) : t('cinema.noCaptions')}
            </p>
          </figcaption>
        </figure>
        <nav className="film-list" aria-label={t('cinema.films')}>
          {films.map((f) => (
            <button key={f.id} type="button" aria-pressed={f.id === film.id} onClick={() => setFilmId(f.id)}>
              <strong>
                <bdi>{f.title}</bdi>
              </strong>
              <span className="muted">
                {format.duration(f.durationMs)} · {t('cinema.captionLanguages', { count: f.tracks.length })}
              </span>
            </button>
          ))}
        </nav>
      </div>
    </section>
  );
}
