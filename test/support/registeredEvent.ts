import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_EVENT } from '../../server/src/studios/demoEvent';

/** Writes the demo event, with viewers asked to register, as `event.json` in `dir`; returns its path. */
export function writeRegisteredEvent(dir: string): string {
  const file = join(dir, 'event.json');
  writeFileSync(file, JSON.stringify({ ...DEMO_EVENT, viewers: 'registered' }));
  return file;
}
