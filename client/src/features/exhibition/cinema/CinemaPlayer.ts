import type { FilmInfo } from '@hybrid-stage/shared';

/** What the hall's cinema is doing, as the HUD shows it (a new object on every change). */
export interface CinemaState {
  /** The film loaded on the screen, or null before the first play (or with no films). */
  film: FilmInfo | null;
  /** Its place in the library (0-based) and the library's size. */
  index: number;
  count: number;
  /** The visitor is watching: inside the room, or at the spot they clicked the screen from. */
  watching: boolean;
  muted: boolean;
  /** The caption on screen now, from the film's track in the UI language, as plain text. */
  cue: string | null;
  /** The language of that track, or null when the film has none in the UI language. */
  cueLanguage: string | null;
}

/**
 * The hall cinema's player, with no React in it: one `<video>` element (never in the page; the
 * screen draws it as a video texture) that plays the film library one film after another, with
 * the caption track of the UI language read through `textTracks` (mode "hidden", `cuechange`).
 * Sound is on once the visitor has interacted with the page, else muted until {@link setSound}.
 * Subscribe with {@link subscribe} and read {@link snapshot} (fits `useSyncExternalStore`).
 */
export class CinemaPlayer {
  /** The element the screen's texture reads. */
  readonly video: HTMLVideoElement;
  #films: FilmInfo[] = [];
  #index = 0;
  #loaded: FilmInfo | null = null;
  #language = 'en';
  #watching = false;
  /** The visitor's own choice of sound, once they made one. */
  #soundChoice: boolean | null = null;
  #track: HTMLTrackElement | null = null;
  /** Films in a row that failed to load: the playlist stops after a full round of failures. */
  #failures = 0;
  #state: CinemaState = { film: null, index: 0, count: 0, watching: false, muted: true, cue: null, cueLanguage: null };
  #listeners = new Set<() => void>();
  #closed = false;

  constructor() {
    const v = document.createElement('video');
    v.muted = true;
    v.playsInline = true;
    v.preload = 'auto';
    v.addEventListener('ended', this.#onEnded);
    v.addEventListener('error', this.#onError);
    v.addEventListener('playing', this.#onPlaying);
    this.video = v;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The current state; the same object until something changes. */
  snapshot = (): CinemaState => this.#state;

  /** Calls `listener` after each change; returns the unsubscribe function. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  };

  /** The films to play, in order. A film that is no longer listed is replaced at the next start. */
  setFilms(films: readonly FilmInfo[]): void {
    if (this.#closed) return;
    this.#films = [...films];
    this.#failures = 0;
    if (this.#loaded && !this.#films.some((f) => f.id === this.#loaded!.id)) this.#unload();
    if (this.#index >= this.#films.length) this.#index = 0;
    this.#emit();
    if (this.#watching) this.#start();
  }

  /** The UI language: the caption track shown is the film's track in this language, if any. */
  setLanguage(language: string): void {
    if (this.#closed || language === this.#language) return;
    this.#language = language;
    this.#attachTrack();
  }

  /** Plays while the visitor watches, pauses (keeping the film and time) when they stop. */
  setWatching(watching: boolean): void {
    if (this.#closed || watching === this.#watching) return;
    this.#watching = watching;
    if (watching) this.#start();
    else this.video.pause();
    this.#emit();
  }

  /** Turns the sound on or off (a click on the HUD's button: a user gesture, so sound is allowed). */
  setSound(on: boolean): void {
    if (this.#closed) return;
    this.#soundChoice = on;
    this.video.muted = !on;
    if (this.#watching && this.video.paused) this.#play();
    this.#emit();
  }

  /** Stops playing and lets go of the film; safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const v = this.video;
    v.removeEventListener('ended', this.#onEnded);
    v.removeEventListener('error', this.#onError);
    v.removeEventListener('playing', this.#onPlaying);
    this.#unload();
    this.#listeners.clear();
  }

  #start(): void {
    if (!this.#films.length) return;
    if (!this.#loaded) this.#load(this.#index);
    this.#play();
  }

  #play(): void {
    const v = this.video;
    // Browsers allow sound after the visitor's first click or key press on the page.
    const activated = (navigator as Navigator & { userActivation?: { hasBeenActive: boolean } }).userActivation?.hasBeenActive ?? false;
    v.muted = !(this.#soundChoice ?? activated);
    v.play().catch((error: unknown) => {
      if (this.#closed || !this.#watching || (error as Error).name !== 'NotAllowedError' || v.muted) return;
      // Sound refused: play muted; the HUD offers "sound on".
      v.muted = true;
      this.#emit();
      v.play().catch(() => undefined);
    });
    this.#emit();
  }

  #load(index: number): void {
    const film = this.#films[index];
    if (!film) return;
    this.#index = index;
    this.#loaded = film;
    this.video.src = film.src;
    this.#attachTrack();
    this.#emit();
  }

  #unload(): void {
    const v = this.video;
    v.pause();
    this.#detachTrack();
    v.removeAttribute('src');
    v.load();
    this.#loaded = null;
    this.#emit();
  }

  /** Puts the loaded film's track in the UI language on the video (none if the film lacks it). */
  #attachTrack(): void {
    this.#detachTrack();
    const info = this.#loaded?.tracks.find((t) => t.language === this.#language);
    if (info) {
      const el = document.createElement('track');
      el.kind = 'subtitles';
      el.srclang = info.language;
      el.label = info.label;
      el.src = info.src;
      this.video.append(el);
      el.track.mode = 'hidden';
      el.track.addEventListener('cuechange', this.#onCue);
      this.#track = el;
    }
    this.#emit();
  }

  #detachTrack(): void {
    if (!this.#track) return;
    this.#track.track.removeEventListener('cuechange', this.#onCue);
    this.#track.track.mode = 'disabled';
    this.#track.remove();
    this.#track = null;
  }

  #next(): void {
    if (!this.#films.length) return;
    this.#load((this.#index + 1) % this.#films.length);
    if (this.#watching) this.#play();
  }

  #onEnded = () => this.#next();

  #onError = () => {
    // A film that cannot play (missing, unsupported): go on to the next, unless none can.
    if (!this.#loaded || ++this.#failures >= this.#films.length) return;
    this.#next();
  };

  #onPlaying = () => {
    this.#failures = 0;
    this.#emit();
  };

  #onCue = () => this.#emit();

  /** The active cues of the caption track as plain text (markup dropped), or null. */
  #cue(): string | null {
    const cues = this.#track?.track.activeCues;
    if (!cues?.length) return null;
    const lines = Array.from(cues, (c) => (c instanceof VTTCue ? (c.getCueAsHTML().textContent ?? '') : '')).filter(Boolean);
    return lines.length ? lines.join('\n') : null;
  }

  #emit(): void {
    const next: CinemaState = {
      film: this.#loaded,
      index: this.#index,
      count: this.#films.length,
      watching: this.#watching,
      muted: this.video.muted,
      cue: this.#cue(),
      cueLanguage: this.#track ? this.#track.srclang : null,
    };
    const prev = this.#state;
    if ((Object.keys(next) as (keyof CinemaState)[]).every((k) => next[k] === prev[k])) return;
    this.#state = next;
    for (const listener of this.#listeners) listener();
  }
}
