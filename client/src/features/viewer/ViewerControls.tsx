import { useEffect, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGE_NAMES, LANGUAGES } from '@hybrid-stage/shared/vocabulary';
import type { Language } from '@hybrid-stage/shared';
import type { CaptionSize } from '../captions/CaptionOverlay';
import type { PlaybackPath } from './PathBadge';

/** Props of {@link ViewerControls}. */
export interface ViewerControlsProps {
  muted: boolean;
  onMuted(muted: boolean): void;
  /** 0-1. */
  volume: number;
  onVolume(volume: number): void;
  /** The element that goes full screen (player with captions). */
  stage: RefObject<HTMLElement | null>;
  /** The video, for picture-in-picture. */
  video: RefObject<HTMLVideoElement | null>;
  captionLanguage: Language | '';
  onCaptionLanguage(language: Language | ''): void;
  captionSize: CaptionSize;
  onCaptionSize(size: CaptionSize): void;
  /** How the picture comes (WebRTC in real time, or HLS), and the viewer's choice of it. */
  path?: PlaybackPath;
  onPath?(path: PlaybackPath): void;
}

/** The viewer's controls: sound, full screen, picture-in-picture, caption language and size. */
export function ViewerControls(props: ViewerControlsProps) {
  const { t } = useTranslation('viewer');
  const [fullscreen, setFullscreen] = useState(false);
  const [pip, setPip] = useState(false);
  useEffect(() => {
    const onFullscreen = () => setFullscreen(!!document.fullscreenElement);
    document.addEventListener('fullscreenchange', onFullscreen);
    return () => document.removeEventListener('fullscreenchange', onFullscreen);
  }, []);
  useEffect(() => {
    const video = props.video.current;
    if (!video) return;
    const on = () => setPip(true);
    const off = () => setPip(false);
    video.addEventListener('enterpictureinpicture', on);
    video.addEventListener('leavepictureinpicture', off);
    return () => {
      video.removeEventListener('enterpictureinpicture', on);
      video.removeEventListener('leavepictureinpicture', off);
    };
  }, [props.video]);

  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void props.stage.current?.requestFullscreen().catch(() => undefined);
  };
  const togglePip = () => {
    if (document.pictureInPictureElement) void document.exitPictureInPicture();
    else void props.video.current?.requestPictureInPicture().catch(() => undefined);
  };

  return (
    <div className="player-controls" role="group" aria-label={t('controls.label')}>
      <button type="button" onClick={() => props.onMuted(!props.muted)} aria-pressed={!props.muted}>
        {props.muted ? t('common:player.unmute') : t('common:player.mute')}
      </button>
      <label className="volume">
        <span className="visually-hidden">{t('controls.volume')}</span>
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={props.volume}
          aria-valuetext={`${Math.round(props.volume * 100)}%`}
          onChange={(e) => {
            props.onVolume(Number(e.target.value));
            if (props.muted) props.onMuted(false);
          }}
        />
      </label>
      <label>
        {t('controls.captions')}{' '}
        <select value={props.captionLanguage} onChange={(e) => props.onCaptionLanguage(e.target.value as Language | '')}>
          <option value="">{t('controls.captionsOff')}</option>
          {LANGUAGES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LANGUAGE_NAMES[l]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('controls.size')}{' '}
        <select value={props.captionSize} onChange={(e) => props.onCaptionSize(e.target.value as CaptionSize)}>
          <option value="small">{t('controls.sizeSmall')}</option>
          <option value="medium">{t('controls.sizeMedium')}</option>
          <option value="large">{t('controls.sizeLarge')}</option>
        </select>
      </label>
      {props.path && props.onPath && (
        <button type="button" data-testid="path-choice" onClick={() => props.onPath!(props.path === 'hls' ? 'webrtc' : 'hls')}>
          {props.path === 'hls' ? t('path.useRealTime') : t('path.useHls')}
        </button>
      )}
      <span className="spacer" />
      {document.pictureInPictureEnabled && (
        <button type="button" onClick={togglePip} aria-pressed={pip}>
          {t('controls.pictureInPicture')}
        </button>
      )}
      <button type="button" onClick={toggleFullscreen} aria-pressed={fullscreen}>
        {fullscreen ? t('controls.exitFullscreen') : t('controls.fullscreen')}
      </button>
    </div>
  );
}
