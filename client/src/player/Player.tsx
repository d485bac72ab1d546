import { useEffect, useRef, type MutableRefObject, type ReactNode, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { WatchState } from './useWatch';

/** Props of {@link Player}. */
export interface PlayerProps {
  state: WatchState;
  muted?: boolean;
  /** Playback volume, 0-1. */
  volume?: number;
  /** Shown when nothing is being watched. */
  idleText?: string;
  /** Shown when the source has ended. */
  endedText?: string;
  testId?: string;
  /** The video element, for picture-in-picture. */
  videoRef?: Ref<HTMLVideoElement>;
  /** Drawn over the picture (captions). */
  children?: ReactNode;
}

/** A video element for a {@link WatchState}, with a line saying what is happening when it is not playing. */
export function Player({ state, muted = true, volume = 1, idleText, endedText, testId, videoRef, children }: PlayerProps) {
  const { t } = useTranslation('common');
  const video = useRef<HTMLVideoElement | null>(null);
  const stream = state.kind === 'playing' ? state.watch.stream : null;
  useEffect(() => {
    // Keep the last picture while re-joining: only a new stream replaces it.
    if (video.current && stream && video.current.srcObject !== stream) video.current.srcObject = stream;
    if (video.current && !stream && (state.kind === 'idle' || state.kind === 'ended')) video.current.srcObject = null;
  }, [stream, state.kind]);
  useEffect(() => {
    if (video.current) video.current.volume = Math.min(1, Math.max(0, volume));
  }, [volume]);
  const status =
    state.kind === 'playing'
      ? state.interrupted
        ? t('player.interrupted')
        : undefined
      : state.kind === 'idle'
        ? (idleText ?? t('player.idle'))
        : state.kind === 'joining'
          ? t('player.joining')
          : state.kind === 'offline'
            ? t('player.offline')
            : state.kind === 'ended'
              ? (endedText ?? t('player.ended'))
              : t('player.error', { message: t(`player.failure.${state.failure}`) });
  return (
    <PlayerFrame own={video} videoRef={videoRef} muted={muted} testId={testId} data={{ 'data-state': state.kind === 'playing' && state.interrupted ? 'interrupted' : state.kind }} status={status}>
      {children}
    </PlayerFrame>
  );
}

/** Props of {@link PlayerFrame}. */
export interface PlayerFrameProps {
  /** The player's own handle on the video element. */
  own: MutableRefObject<HTMLVideoElement | null>;
  /** The page's handle on it (picture-in-picture). */
  videoRef?: Ref<HTMLVideoElement> | undefined;
  muted: boolean;
  testId?: string | undefined;
  /** The element's data attributes (what it plays, for tests). */
  data: Record<`data-${string}`, string>;
  /** A line over the picture saying what is happening, when it is not simply playing. */
  status?: string | undefined;
  /** Drawn over the picture (captions). */
  children?: ReactNode;
  /** The browser's own controls on the video (seeking). */
  controls?: boolean | undefined;
}

/** The video element and the line over it, as both the WebRTC {@link Player} and the HLS player draw them. */
export function PlayerFrame({ own, videoRef, muted, testId, data, status, children, controls }: PlayerFrameProps) {
  return (
    <div className="player">
      <video
        ref={(element) => {
          own.current = element;
          if (typeof videoRef === 'function') videoRef(element);
          else if (videoRef) videoRef.current = element;
        }}
        autoPlay
        playsInline
        controls={controls}
        muted={muted}
        data-testid={testId}
        {...data}
      />
      {children}
      {status && (
        <div className="player-overlay" role="status">
          {status}
        </div>
      )}
    </div>
  );
}
