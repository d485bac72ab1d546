import { useEffect, useRef, useState, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { HlsSource, Language } from '@hybrid-stage/shared';
import type HlsType from 'hls.js';
import { getJson } from '../http/api';
import { CaptionLines, type CaptionSize } from '../features/captions/CaptionOverlay';
import { PlayerFrame } from './Player';
import { reportHlsClock } from '../testProbes';

/** Where HLS playback stands, for the badge. */
export interface HlsStatus {
  playing: boolean;
  /** How far behind live the picture is (from the segments' program date and time), once known. */
  behindMs?: number;
}

/** Props of {@link HlsPlayer}. */
export interface HlsPlayerProps {
  /** The API path that answers the master playlist's `{ url }`: `/api/hls/<channel>`, `/api/recordings/<id>/hls`. */
  source: string;
  muted: boolean;
  /** 0-1. */
  volume: number;
  captionLanguage: Language | '';
  captionSize: CaptionSize;
  onStatus(status: HlsStatus): void;
  testId?: string;
  videoRef?: Ref<HTMLVideoElement>;
  /** The browser's own controls (seeking a recording); a live channel has the page's. */
  controls?: boolean;
}

/** Wait before starting over after a fatal error. */
const RETRY_MS = 3000;
/**
 * Segments the player stays behind the newest one (hls.js's default is 3). With the packager's 2 s
 * segments, 2 puts the picture about 5 s behind the program instead of 7 (the bench's
 * hls.glassToGlassMs). The subtitle playlists must then reach past where it starts: their segments
 * are listed 1 s after they end (SUBTITLE_HOLD_MS on the server), not 2.
 */
const LIVE_SYNC_SEGMENTS = 2;

/**
 * How far behind the program the picture is kept, by the segments' program dates (which the server
 * writes true to the picture). hls.js starts LIVE_SYNC_SEGMENTS behind the newest segment it knows,
 * but cannot know how old that segment already was when its playlist was fetched: up to a segment
 * plus a reload, so a viewer joined 4.7 s or 6.7 s behind live by chance, and stayed there. 5 s is
 * the newest segment's worst age (2 s of segment, 0.7 s of encoding, a 1 s reload, a cache's second)
 * plus a little: the picture does not run dry waiting for the next segment.
 */
const BEHIND_LIVE_MS = 5000;
/** Forward jumps smaller than this are not worth a visible skip. */
const SMALLEST_JUMP_MS = 300;
/** What is left buffered ahead after a jump, at least. */
const KEEP_BUFFERED_MS = 1000;

/**
 * Moves the picture forward to BEHIND_LIVE_MS when it stands further back (after the start, or a
 * stall) and the buffer already holds the frames to jump to; it never jumps back. hls.js's own
 * catch-up (maxLiveSyncPlaybackRate) aims at its estimate of the live edge, which is off by the same
 * unknown age, so it cannot do this.
 */
function keepNearLive(element: HTMLVideoElement, date: Date | null | undefined): void {
  if (!date || element.paused || element.seeking) return;
  const excessMs = Date.now() - date.getTime() - BEHIND_LIVE_MS;
  if (excessMs < SMALLEST_JUMP_MS) return;
  const { buffered, currentTime } = element;
  for (let i = 0; i < buffered.length; i++) {
    if (buffered.start(i) > currentTime || buffered.end(i) < currentTime) continue;
    const jumpMs = Math.min(excessMs, (buffered.end(i) - currentTime) * 1000 - KEEP_BUFFERED_MS);
    if (jumpMs >= SMALLEST_JUMP_MS) element.currentTime = currentTime + jumpMs / 1000;
    return;
  }
}

/**
 * A channel (live) or a recording (on demand) over HLS with hls.js (the full build, with subtitles
 * and alternate audio, loaded only when a viewer needs it: it is large). Captions come from the
 * stream's own subtitle track in the chosen language, drawn as the WebRTC path draws them, in the
 * chosen size; hls.js keeps the track hidden and times its cues to the picture.
 */
export function HlsPlayer({ source, muted, volume, captionLanguage, captionSize, onStatus, testId, videoRef, controls }: HlsPlayerProps) {
  const { t } = useTranslation('common');
  const video = useRef<HTMLVideoElement | null>(null);
  const hlsRef = useRef<HlsType | undefined>(undefined);
  const [tracksVersion, setTracksVersion] = useState(0);
  const [lines, setLines] = useState<Array<{ id: string; text: string }>>([]);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const status = useRef(onStatus);
  status.current = onStatus;

  useEffect(() => {
    const element = video.current;
    if (!element) return;
    let alive = true;
    let hls: HlsType | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const again = () => {
      if (alive) retry = setTimeout(() => alive && setAttempt((a) => a + 1), RETRY_MS);
    };
    setFailed(false);
    void (async () => {
      try {
        const [{ url }, { default: Hls }] = await Promise.all([getJson<Pick<HlsSource, 'url'>>(source), import('hls.js')]);
        if (!alive) return;
        if (!Hls.isSupported()) {
          // Safari plays HLS itself (its own subtitle rendering).
          element.src = url;
          return;
        }
        hls = new Hls({ liveSyncDurationCount: LIVE_SYNC_SEGMENTS, lowLatencyMode: false, enableWebVTT: true, renderTextTracksNatively: true });
        hlsRef.current = hls;
        hls.on(Hls.Events.MANIFEST_PARSED, () => void element.play().catch(() => undefined));
        element.onplaying = () => keepNearLive(element, hls?.playingDate);
        hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, () => setTracksVersion((v) => v + 1));
        hls.on(Hls.Events.ERROR, (_event, data) => {
          if (!data.fatal || !hls) return;
          if (data.type === Hls.ErrorTypes.MEDIA_ERROR) return hls.recoverMediaError();
          hls.destroy();
          hls = undefined;
          hlsRef.current = undefined;
          setFailed(true);
          again();
        });
        hls.loadSource(url);
        hls.attachMedia(element);
        setTracksVersion((v) => v + 1);
      } catch {
        setFailed(true);
        again();
      }
    })();
    const timer = setInterval(() => {
      const date = hls?.playingDate;
      keepNearLive(element, date);
      const playing = element.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && !element.paused;
      status.current({ playing, behindMs: playing && date ? Math.max(0, Date.now() - date.getTime()) : undefined });
      if (playing && date) reportHlsClock(date.getTime() - element.currentTime * 1000);
    }, 1000);
    return () => {
      alive = false;
      clearTimeout(retry);
      clearInterval(timer);
      hls?.destroy();
      hlsRef.current = undefined;
      element.onplaying = null;
      element.removeAttribute('src');
      element.load();
    };
  }, [source, attempt]);

  useEffect(() => {
    if (video.current) {
      video.current.volume = Math.min(1, Math.max(0, volume));
      video.current.muted = muted;
    }
  }, [muted, volume]);

  // The chosen language's subtitle track, hidden (drawn by CaptionLines): its active cues are the lines.
  useEffect(() => {
    const hls = hlsRef.current;
    const element = video.current;
    setLines([]);
    if (!element) return;
    if (hls) {
      hls.subtitleDisplay = false;
      hls.subtitleTrack = captionLanguage ? hls.subtitleTracks.findIndex((track) => track.lang === captionLanguage) : -1;
    }
    if (!captionLanguage) return;
    const show = () => {
      const track = [...element.textTracks].find((tt) => tt.language === captionLanguage && tt.mode !== 'disabled');
      const active = track?.activeCues ? [...track.activeCues] : [];
      setLines(active.map((cue, i) => ({ id: cue.id || `${cue.startTime}-${i}`, text: (cue as VTTCue).text })).slice(-2));
    };
    const listen = () => {
      for (const tt of element.textTracks) tt.oncuechange = show;
      show();
    };
    listen();
    element.textTracks.addEventListener('addtrack', listen);
    element.textTracks.addEventListener('change', listen);
    return () => {
      element.textTracks.removeEventListener('addtrack', listen);
      element.textTracks.removeEventListener('change', listen);
      for (const tt of element.textTracks) tt.oncuechange = null;
    };
  }, [captionLanguage, tracksVersion]);

  return (
    <PlayerFrame own={video} videoRef={videoRef} muted={muted} testId={testId} data={{ 'data-path': 'hls' }} status={failed ? t('player.joining') : undefined} controls={controls}>
      {captionLanguage && <CaptionLines lines={lines} language={captionLanguage} size={captionSize} />}
    </PlayerFrame>
  );
}
