// Automatic recording (RECORD_SESSIONS=true): each agenda session on a channel becomes its own
// recording, split at the session boundaries, and nothing records outside sessions.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let dir: string;
let t0: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-sessions-'));
  t0 = Date.now() + 4000;
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  writeFileSync(
    join(dir, 'event.json'),
    JSON.stringify({
      name: 'Session recording test',
      timeZone: 'Europe/London',
      studios: [{ id: 'london', name: 'London', timeZone: 'Europe/London' }],
      channels: [
        { id: 'main', name: 'Main', kind: 'main', startsOn: 'london' },
        { id: 'side', name: 'Side', kind: 'breakout', startsOn: 'london' },
      ],
      sessions: [
        { id: 'opening', channelId: 'main', title: 'Opening', startsAt: at(0), endsAt: at(4) },
        { id: 'keynote', channelId: 'main', title: 'Keynote', startsAt: at(4), endsAt: at(8) },
      ],
    }),
  );
  server = await startTestServer({ EVENT_FILE: join(dir, 'event.json'), RECORD_SESSIONS: 'true', WORKERS: '1' });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('records each session of a channel into its own file, from its start to its end', async () => {
  await expect.poll(async () => (await server.recordings.list()).filter((r) => r.status === 'done').length, { timeout: 20_000, interval: 250 }).toBe(2);
  await new Promise((r) => setTimeout(r, 1500)); // after the last session: nothing starts again
  const recordings = (await server.recordings.list()).sort((a, b) => a.startedAtMs - b.startedAtMs);
  expect(recordings.map((r) => [r.channelId, r.sessionId, r.trigger, r.status])).toEqual([
    ['main', 'opening', 'session', 'done'],
    ['main', 'keynote', 'session', 'done'],
  ]);
  for (const r of recordings) {
    // Each covers its own session: about four seconds, the next starting as the one before ends.
    expect(r.durationMs).toBeGreaterThan(2500);
    expect(r.durationMs).toBeLessThan(5500);
    expect(r.sizeBytes).toBeGreaterThan(50_000);
  }
  expect(recordings[1]!.startedAtMs).toBeGreaterThanOrEqual(recordings[0]!.endedAtMs! - 1000);
  // A channel without sessions is never recorded.
  expect(recordings.some((r) => r.channelId === 'side')).toBe(false);
});
