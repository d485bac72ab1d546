import { useMemo } from 'react';
import type { EventInfo } from '@hybrid-stage/shared';
import { reRunsOf, slotsOf, type Slot } from './schedule';

/** The event's sessions and re-runs as slots on their channels, recomputed when either changes. */
export function useSlots(event: EventInfo | undefined): Slot[] {
  const sessions = event?.sessions;
  const reruns = event?.reruns;
  // Recomputed when the sessions or re-runs change, not on every feed or channel update.
  return useMemo(() => slotsOf(sessions ?? [], reRunsOf(event)), [sessions, reruns]);
}
