import type { StudioInfo } from '@hybrid-stage/shared';

/** The event the product runs on out of the box. */
export const DEMO_EVENT = {
  name: 'Global Partner Conference',
  timeZone: 'Europe/London',
  studios: [
    { id: 'singapore', name: 'Singapore', timeZone: 'Asia/Singapore' },
    { id: 'moscow', name: 'Moscow', timeZone: 'Europe/Moscow' },
    { id: 'london', name: 'London', timeZone: 'Europe/London' },
  ] satisfies StudioInfo[],
};
