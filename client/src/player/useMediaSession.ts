import { useSyncExternalStore } from 'react';
import { pageMedia } from '../media/pageMedia';
import type { MediaSession } from '../media/MediaSession';

/** This connection's media session (see PageMedia), or undefined while there is none. */
export function useMediaSession(): MediaSession | undefined {
  return useSyncExternalStore(pageMedia.subscribe, () => pageMedia.session);
}
