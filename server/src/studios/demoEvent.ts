import type { EventConfig } from './eventConfig';

/** The event the product runs on out of the box. */
export const DEMO_EVENT: EventConfig = {
  name: 'Global Partner Conference',
  timeZone: 'Europe/London',
  viewers: 'anonymous',
  studios: [
    { id: 'singapore', name: 'Singapore', timeZone: 'Asia/Singapore' },
    { id: 'moscow', name: 'Moscow', timeZone: 'Europe/Moscow' },
    { id: 'london', name: 'London', timeZone: 'Europe/London' },
  ],
  channels: [
    { id: 'main', name: 'Main stage', kind: 'main', startsOn: 'london', backup: 'singapore' },
    { id: 'europe', name: 'Europe', kind: 'regional', startsOn: 'london' },
    { id: 'middle-east', name: 'Middle East', kind: 'regional', startsOn: 'moscow' },
    { id: 'africa-turkey', name: 'Africa & Turkey', kind: 'regional', startsOn: 'moscow' },
    { id: 'b2c', name: 'B2C', kind: 'breakout', startsOn: 'singapore' },
    { id: 'b2b', name: 'B2B', kind: 'breakout', startsOn: 'london' },
    { id: 'industrial', name: 'Industrial', kind: 'breakout', startsOn: 'singapore' },
  ],
};
