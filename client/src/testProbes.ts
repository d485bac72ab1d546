/**
 * What the pages publish on `window` for browser tests and benches to read (`page.evaluate`), in one
 * place with one typed declaration: `test/support` imports these types rather than restating them.
 * Pages write them only through the functions below. (Elements tests look for carry `data-testid`
 * beside them in the markup.)
 */

/** The hall cinema's screen, as `window.__exhibition.cinema`. */
export interface CinemaProbe {
  /** The id of the film on the screen, or null. */
  film: string | null;
  playing: boolean;
  /** Seconds into that film. */
  currentTime: number;
  /** Frames the video element has decoded so far (getVideoPlaybackQuality). */
  frames: number;
  muted: boolean;
}

/** The 3D hall, as `window.__exhibition`: there once the hall has drawn a frame. */
export interface ExhibitionProbe {
  /** WebGL draw calls of the last frame. */
  drawCalls: number;
  /** `performance.now()` when the hall's first frame was drawn, or null before. */
  firstRenderMs: number | null;
  /** Where the visitor stands and looks (yaw in radians, 0 looks north). */
  position: { x: number; z: number; yaw: number };
  /** What the main-stage screen shows: the live program's video, or the title card. */
  mainStage: 'live' | 'card';
  /** The cinema room's screen, once the hall has drawn it. */
  cinema?: CinemaProbe;
}

declare global {
  interface Window {
    __exhibition?: ExhibitionProbe;
    /**
     * The HLS player's clock: the program's wall-clock time (ms) at the video's currentTime 0, from
     * the segments' EXT-X-PROGRAM-DATE-TIME; a frame at currentTime t was on the program at this + t.
     */
    __hlsProgramDateAtZeroMs?: number;
    /** How long the HQ tour's last panorama took to draw, in ms. */
    __hqPanoramaMs?: number;
  }
}

/** The hall's probe, made on first use (the walker's first frame). */
export function hallProbe(): ExhibitionProbe {
  return (window.__exhibition ??= { drawCalls: 0, firstRenderMs: null, position: { x: 0, z: 0, yaw: 0 }, mainStage: 'card' });
}

/** Changes the hall's probe if the hall has made it (a part drawn before the walker's first frame waits for the next change). */
export function updateHallProbe(change: Partial<ExhibitionProbe>): void {
  if (window.__exhibition) Object.assign(window.__exhibition, change);
}

/** Says where the HLS player's media time stands on the program's clock. */
export function reportHlsClock(programDateAtZeroMs: number): void {
  window.__hlsProgramDateAtZeroMs = programDateAtZeroMs;
}

/** Says how long the HQ tour took to draw a panorama. */
export function reportPanoramaMs(ms: number): void {
  window.__hqPanoramaMs = ms;
}
