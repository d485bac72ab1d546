// The producers' cut log and the channel's version carry on after a restart (and, on PostgreSQL,
// on a standby origin taking over: test/clusterOrigin.test.ts): what was on air before is still in
// the log, and the version goes on rising, so a client that kept the old state takes the new ones.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startTestServer, TestClient } from './support/server';

const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-cutlog-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('keeps the cut log and the version across a restart of the server', async () => {
  const env = { DATA_DIR: dataDir, WORKERS: '1' };
  let server = await startTestServer(env);
  let producer = await TestClient.connectAs(server, { role: 'producer' });
  const moscow = (await producer.ok('event:get', {})).feeds.find((f) => f.studioId === 'moscow' && f.source === 'test-pattern')!;
  const before = await producer.take('main', moscow.id);
  expect(before.cuts[0]).toMatchObject({ label: 'Moscow test pattern', reason: 'take', by: 'producer' });
  producer.close();
  await server.close();

  server = await startTestServer(env);
  try {
    producer = await TestClient.connectAs(server, { role: 'producer' });
    const main = async () => (await producer.ok('event:get', {})).channels.find((c) => c.id === 'main')!;
    // The new start puts its own test pattern on air (at its first keyframe), as the log's newest
    // entry; the take before the restart is below it, as it was.
    await expect.poll(async () => (await main()).cuts[0]?.label, { timeout: 10_000 }).toBe('London test pattern');
    const after = await main();
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.cuts[0]).toMatchObject({ reason: 'take', by: 'automatic' });
    expect(after.cuts.slice(1)).toEqual(before.cuts.slice(0, after.cuts.length - 1));
    producer.close();
  } finally {
    await server.close();
  }
});
