import type { ChannelConfig, StudioInfo } from '@hybrid-stage/shared';

/** A channel of the demo event, with the studio whose test pattern it starts on. */
interface DemoChannel extends ChannelConfig {
  /** The studio whose test pattern is on air at startup. */
  startsOn: string;
  /** The studio whose test pattern is the backup at startup, if any. */
  backup?: string;
}

/** The event the product runs on out of the box. */
export const DEMO_EVENT = {
  name: 'Global Partner Conference',
  timeZone: 'Europe/London',
  studios: [
    { id: 'singapore', name: 'Singapore', timeZone: 'Asia/Singapore' },
    { id: 'moscow', name: 'Moscow', timeZone: 'Europe/Moscow' },
    { id: 'london', name: 'London', timeZone: 'Europe/London' },
  ] satisfies StudioInfo[],
  channels: [
    { id: 'main', name: 'Main stage', kind: 'main', startsOn: 'london', backup: 'singapore' },
    { id: 'europe', name: 'Europe', kind: 'regional', startsOn: 'london' },
    { id: 'middle-east', name: 'Middle East', kind: 'regional', startsOn: 'moscow' },
    { id: 'africa-turkey', name: 'Africa & Turkey', kind: 'regional', startsOn: 'moscow' },
    { id: 'b2c', name: 'B2C', kind: 'breakout', startsOn: 'singapore' },
    { id: 'b2b', name: 'B2B', kind: 'breakout', startsOn: 'london' },
    { id: 'industrial', name: 'Industrial', kind: 'breakout', startsOn: 'singapore' },
  ] satisfies DemoChannel[],
};
