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
  channelId: string;
  muted: boolean;
  /** 0-1. */
  volume: number;
  captionLanguage: Language | '';
  captionSize: CaptionSize;
  onStatus(status: HlsStatus): void;
  testId?: string;
  videoRef?: Ref<HTMLVideoElement>;
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
 * A channel over HLS with hls.js (the full build, with subtitles and alternate audio, loaded only
 * when a viewer needs it: it is large). Captions come from the stream's own subtitle track in the
 * chosen language, drawn as the WebRTC path draws them, in the chosen size; hls.js keeps the track
 * hidden and times its cues to the picture.
 */
export function HlsPlayer({ channelId, muted, volume, captionLanguage, captionSize, onStatus, testId, videoRef }: HlsPlayerProps) {
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
        const [{ url }, { default: Hls }] = await Promise.all([getJson<HlsSource>(`/api/hls/${encodeURIComponent(channelId)}`), import('hls.js')]);
        if (!alive) return;
        if (!Hls.isSupported()) {
          // Safari plays HLS itself (its own subtitle rendering).
          element.src = url;
          return;
        }
        hls = new Hls({ liveSyncDurationCount: LIVE_SYNC_SEGMENTS, lowLatencyMode: false, enableWebVTT: true, renderTextTracksNatively: true });
        hlsRef.current = hls;
        hls.on(Hls.Events.MANIFEST_PARSED, () => void element.play().catch(() => undefined));
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
      element.removeAttribute('src');
      element.load();
    };
  }, [channelId, attempt]);

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
    <PlayerFrame own={video} videoRef={videoRef} muted={muted} testId={testId} data={{ 'data-path': 'hls' }} status={failed ? t('player.joining') : undefined}>
      {captionLanguage && <CaptionLines lines={lines} language={captionLanguage} size={captionSize} />}
    </PlayerFrame>
  );
}
