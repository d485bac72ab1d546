import { useEffect, useState } from 'react';
import type { FilmInfo } from '@hybrid-stage/shared';
import { formatDuration } from '../console/RecordingPanel';

/**
 * The cinema: the film library, and the chosen film in the browser's own player with its caption
 * tracks (the player's caption menu picks the language; the one matching the browser's comes first).
 */
export function CinemaPage() {
  const [films, setFilms] = useState<FilmInfo[]>();
  const [error, setError] = useState<string>();
  const [filmId, setFilmId] = useState<string>();
  useEffect(() => {
    let alive = true;
    fetch('/api/films')
      .then((r) => (r.ok ? (r.json() as Promise<FilmInfo[]>) : Promise.reject(new Error(`the film list did not load (${r.status})`))))
      .then((list) => alive && setFilms(list), (e: Error) => alive && setError(e.message));
    return () => {
      alive = false;
    };
  }, []);
  if (error) return <p role="alert">{error}</p>;
  if (!films) return <p>Loading the films…</p>;
  if (films.length === 0) return <p>The cinema has no films yet. They appear here once an admin adds them.</p>;
  const film = films.find((f) => f.id === filmId) ?? films[0]!;
  const preferred = navigator.language.slice(0, 2);
  return (
    <section>
      <h1>Cinema</h1>
      <div className="cinema">
        <figure className="film">
          {/* key: a new film gets a fresh element, so its tracks load from the start. */}
          <video key={film.id} controls playsInline preload="metadata" data-testid="film">
            <source src={film.src} type={film.type} />
            {film.tracks.map((t) => (
              <track key={t.language} kind="subtitles" srcLang={t.language} label={t.label} src={t.src} default={t.language === preferred} />
            ))}
          </video>
          <figcaption>
            <strong>{film.title}</strong> <span className="muted">{formatDuration(film.durationMs)}</span>
            <p>{film.description}</p>
            <p className="muted">Captions: {film.tracks.map((t) => t.label).join(', ') || 'none'} (choose in the player's menu)</p>
          </figcaption>
        </figure>
        <nav className="film-list" aria-label="Films">
          {films.map((f) => (
            <button key={f.id} type="button" aria-pressed={f.id === film.id} onClick={() => setFilmId(f.id)}>
              <strong>{f.title}</strong>
              <span className="muted">
                {formatDuration(f.durationMs)} · {f.tracks.length} caption languages
              </span>
            </button>
          ))}
        </nav>
      </div>
    </section>
  );
}
