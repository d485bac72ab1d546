import { useDeferredValue, useSyncExternalStore } from 'react';
import type { EventInfo } from '@hybrid-stage/shared';
import { EventStore } from './EventStore';
import { useSignaling } from './SignalingContext';

/**
 * The event with its live feeds, channels and re-runs, from the app's {@link EventStore}; undefined
 * until the server answered.
 */
export function useEvent(): EventInfo | undefined {
  const store = EventStore.of(useSignaling());
  const event = useSyncExternalStore(store.subscribe, store.current);
  // The page's first drawing from the event is deferred (a store's own updates render at once): React
  // yields while drawing it, so media messages arriving meanwhile (a viewer's join) are not held up
  // behind it. Changes after that (a take, a feed) show at once.
  // Deferring a flag that flips once (not the event itself) keeps later changes to one render each.
  const loaded = useDeferredValue(event !== undefined);
  return loaded ? event : undefined;
}
