import { useEffect, useState, type RefObject } from 'react';
import type { WatchState } from './useWatch';

/** The longest a page keeps what surrounds its picture back, on a join that is slow to show a frame. */
const LONGEST_WAIT_MS = 1000;

/**
 * Whether a watch page may draw what surrounds its picture (controls, schedule, channel list):
 * once `video` shows its first frame, at once when there is no picture to wait for (nothing to
 * watch, off air, a failed join, offline), and after a second at the latest. Drawing all of it
 * while the viewer joins holds the join's messages up; drawn just after, it costs nobody a thing.
 * Once true it stays true.
 */
export function usePictureFirst(state: WatchState, video: RefObject<HTMLVideoElement | null>): boolean {
  const waiting = state.kind === 'joining' || state.kind === 'playing';
  const [shown, setShown] = useState(!waiting);
  useEffect(() => {
    if (shown) return;
    if (!waiting) return setShown(true);
    const show = () => setShown(true);
    const element = video.current;
    if (element && element.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) return show();
    element?.addEventListener('loadeddata', show);
    const timer = setTimeout(show, LONGEST_WAIT_MS);
    return () => {
      element?.removeEventListener('loadeddata', show);
      clearTimeout(timer);
    };
  }, [shown, waiting, video]);
  return shown;
}
