import { useEffect, useRef, type ReactNode } from 'react';
import type { WatchState } from './useWatch';

/** Props of {@link Player}. */
export interface PlayerProps {
  state: WatchState;
  muted?: boolean;
  /** Shown when nothing is being watched. */
  idleText?: string;
  /** Shown when the source has ended. */
  endedText?: string;
  testId?: string;
  /** Drawn over the picture (captions). */
  children?: ReactNode;
}

/** A video element for a {@link WatchState}, with a line saying what is happening when it is not playing. */
export function Player({ state, muted = true, idleText = 'Nothing to show', endedText = 'This feed has ended.', testId, children }: PlayerProps) {
  const video = useRef<HTMLVideoElement>(null);
  const stream = state.kind === 'playing' ? state.watch.stream : null;
  useEffect(() => {
    if (video.current && video.current.srcObject !== stream) video.current.srcObject = stream;
  }, [stream]);
  return (
    <div className="player">
      <video ref={video} autoPlay playsInline muted={muted} data-testid={testId} />
      {children}
      {state.kind !== 'playing' && (
        <div className="player-overlay" role="status">
          {state.kind === 'idle' && idleText}
          {state.kind === 'joining' && 'Joining…'}
          {state.kind === 'ended' && endedText}
          {state.kind === 'error' && `Cannot play: ${state.message}`}
        </div>
      )}
    </div>
  );
}
