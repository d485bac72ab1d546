// A server restarted in the middle of a re-run picks it up where it would be (not from the start),
// and the schedule survives the restart.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { ReRunInfo } from '@hybrid-stage/shared';
import { startTestServer, TestClient } from './support/server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('resumes a re-run after a restart at the point it had reached', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-restart-'));
  const now = Date.now();
  writeFileSync(
    join(dir, 'event.json'),
    JSON.stringify({
      name: 'Restart test',
      timeZone: 'Europe/London',
      studios: [
        { id: 'london', name: 'London', timeZone: 'Europe/London' },
        { id: 'moscow', name: 'Moscow', timeZone: 'Europe/Moscow' },
      ],
      channels: [
        { id: 'main', name: 'Main', kind: 'main', startsOn: 'london' },
        { id: 'americas', name: 'Americas', kind: 'regional', startsOn: 'moscow' },
      ],
      sessions: [{ id: 'talk', channelId: 'main', title: 'The talk', startsAt: new Date(now - 3_600_000).toISOString(), endsAt: new Date(now + 3_600_000).toISOString() }],
    }),
  );
  const env = { DATA_DIR: join(dir, 'data'), EVENT_FILE: join(dir, 'event.json'), WORKERS: '1' };
  try {
    let rerun: ReRunInfo;
    const first = await startTestServer(env);
    try {
      const producer = await TestClient.connectAs(first, { role: 'producer' });
      await producer.ok('recording:start', { channelId: 'main' });
      await sleep(10_000);
      await producer.ok('recording:stop', { channelId: 'main' });
      rerun = await producer.ok('rerun:create', { sessionId: 'talk', channelId: 'americas', startsAt: new Date(Date.now() + 2000).toISOString(), region: 'Americas' });
      await producer.next('channel:changed', (c) => c.id === 'americas' && c.programSource === 'recording', 10_000);
      await sleep(Math.max(0, Date.parse(rerun.startsAt) + 4000 - Date.now()));
      producer.close();
    } finally {
      await first.close();
    }

    const second = await startTestServer(env);
    try {
      // Still on the schedule, and on air again without a producer doing anything.
      expect(second.reruns.list().map((r) => [r.id, r.region])).toEqual([[rerun.id, 'Americas']]);
      await expect.poll(() => second.channels.bus('americas').state().programSource, { timeout: 10_000 }).toBe('recording');
      // It ends when the schedule says (from where it had reached), not ten seconds after the restart.
      await expect.poll(() => second.reruns.list()[0]!.status, { timeout: 15_000, interval: 100 }).toBe('done');
      expect(Date.now()).toBeLessThan(Date.parse(rerun.endsAt) + 2500);
      await expect.poll(() => second.channels.bus('americas').state().programSource, { timeout: 5000 }).toBe('test-pattern');
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
