// An encoder's ingest outlives the server: the server restarts on the same data (as a standby origin
// takes over on the same database: test/clusterOrigin.test.ts) and opens each stored ingest again on
// its ports, with its SSRCs or its SRT secret, so an RTP encoder that just keeps sending is on air
// again without a change, and an SRT encoder reconnects with the URL it holds. An ingest the studio
// closed is not opened again.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runShownCommand } from './support/encoder';
import { startTestServer, TestClient } from './support/server';

const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-ingest-restart-'));
const encoders: ChildProcess[] = [];
afterAll(() => {
  for (const encoder of encoders) encoder.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

it('opens the ingests again after a restart, where their encoders keep sending', async () => {
  // No test patterns: whatever reaches the program comes from the encoder.
  const env = { DATA_DIR: dataDir, WORKERS: '1', TEST_PATTERNS: 'false', SRT_PORT_RANGE: '42900-42999' };
  let server = await startTestServer(env);
  let studio = await TestClient.connectAs(server, { role: 'studio', studioId: 'london' });
  // Its own source ports: other ingest test files take theirs.
  const rtp = await studio.ok('ingest:create', { studioId: 'london', label: 'London encoder', protocol: 'rtp', source: { ip: '127.0.0.1', videoPort: 19204, audioPort: 19206 } });
  const srt = await studio.ok('ingest:create', { studioId: 'london', label: 'London OBS', protocol: 'srt' });
  const closed = await studio.ok('ingest:create', { studioId: 'london', label: 'London spare', protocol: 'srt' });
  await studio.ok('ingest:close', { ingestId: closed.id });
  const encoder = runShownCommand(rtp, { seconds: 120 });
  encoders.push(encoder);
  await expect.poll(() => server.feeds.get(rtp.feedId).tracks.length, { timeout: 15_000 }).toBe(2);
  studio.close();
  await server.close();

  server = await startTestServer(env);
  try {
    studio = await TestClient.connectAs(server, { role: 'studio', studioId: 'london' });
    const listed = await studio.ok('ingest:list', { studioId: 'london' });
    expect(listed.map((i) => i.label).sort()).toEqual(['London OBS', 'London encoder']);
    const rtpAgain = listed.find((i) => i.id === rtp.id)!;
    // The same ports and SSRCs (RTCP, which encoders send optionally, may land on a new port) ...
    for (const kind of ['video', 'audio'] as const) expect(rtpAgain.rtp![kind]).toMatchObject({ port: rtp.rtp![kind].port, ssrc: rtp.rtp![kind].ssrc });
    // ... so the encoder, which never stopped, is taken on air on its new feed.
    expect(encoder.exitCode).toBeNull();
    const producer = await TestClient.connectAs(server, { role: 'producer' });
    const onAir = await producer.take('main', rtpAgain.feedId, 20_000);
    expect(onAir.cuts[0]).toMatchObject({ label: 'London encoder', reason: 'take' });
    producer.close();
    // The SRT encoder reconnects with the URL it holds: the same port, passphrase and stream id.
    expect(listed.find((i) => i.id === srt.id)!.url).toBe(srt.url);
    studio.close();
  } finally {
    await server.close();
  }
}, 120_000);
