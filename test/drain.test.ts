// SIGTERM (a deploy, `docker stop`) while people watch and a recording runs: the server as
// `npm start` runs it tells every client it is restarting, finishes the recording so the file is
// whole, checkpoints the database, and exits 0 within 10 s.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@hybrid-stage/shared';
import { probeMedia } from '../server/src/media/mediaProbe';
import { expectPlayableRecording } from './support/playable';
import type { types } from 'mediasoup';
import { freePortRun } from './support/ports';
import { startServerProcess, startTestServer, TestClient } from './support/server';

it('tells connected clients, finishes the running recording and checkpoints the database before exiting 0', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-drain-'));
  const port = await freePortRun(1);
  const server = startServerProcess({ PORT: String(port), RTC_PORT: String(await freePortRun(1)), DATA_DIR: dataDir, PRINT_INVITES: 'true' });
  const url = `http://127.0.0.1:${port}`;
  const clients: TestClient[] = [];
  try {
    await expect.poll(server.output, { timeout: 30_000 }).toContain('Hybrid Stage is running');
    const token = /\/console\?token=(\S+)/.exec(server.output())![1]!;
    const producer = await TestClient.connect(url, { protocolVersion: PROTOCOL_VERSION, token });
    const viewer = await TestClient.connect(url);
    clients.push(producer, viewer);
    // The viewer holds media on the worker: a transport the server must close before the worker.
    await viewer.ok('transport:create', { direction: 'recv' });
    await expect.poll(async () => (await producer.ok('event:get', {})).channels.find((c) => c.id === 'main')?.program, { timeout: 15_000 }).toBeTruthy();
    await producer.ok('recording:start', { channelId: 'main' });
    // A few seconds of program in the file.
    await expect
      .poll(async () => (await producer.ok('recording:list', {}))[0]?.sizeBytes ?? 0, { timeout: 15_000, interval: 500 })
      .toBeGreaterThan(100_000);

    const told = [producer, viewer].map((c) => c.next('server:closing', () => true, 10_000));
    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await Promise.all(told)).toEqual([{ reason: 'restart' }, { reason: 'restart' }]);
    expect(await server.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);

    // The recording is whole: ffmpeg finished it, a player reads its length, and it is listed as done.
    const files = readdirSync(join(dataDir, 'recordings')).filter((f) => f.endsWith('.webm'));
    expect(files).toHaveLength(1);
    const file = join(dataDir, 'recordings', files[0]!);
    const probed = (await probeMedia(file)).durationMs;
    expect(probed).toBeGreaterThan(1000);
    await expectPlayableRecording(file, { evenAudio: false });
    // Everything is in the database file itself: the write-ahead log was checkpointed away.
    const wal = join(dataDir, 'hybrid-stage.db-wal');
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    const db = new BetterSqlite3(join(dataDir, 'hybrid-stage.db'), { readonly: true });
    try {
      // Its stored length was taken from the clock, not from ffprobe (which would not fit in a stop
      // for an hour of video): what a player finds, to within the moment ffmpeg took to start.
      const [stored] = db.prepare('SELECT status, duration_ms AS durationMs FROM recordings').all() as { status: string; durationMs: number }[];
      expect(stored!.status).toBe('done');
      expect(Math.abs(stored!.durationMs - probed)).toBeLessThan(1500);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  } finally {
    for (const c of clients) c.close();
    server.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it("closes the clients' transports itself before the workers and their WebRTC servers go", async () => {
  const server = await startTestServer({ WORKERS: '1', TEST_PATTERNS: 'false' });
  const transports: types.Transport[] = [];
  server.pool.workers[0]!.router.observer.on('newtransport', (t) => transports.push(t));
  const viewer = await TestClient.connect(server.url);
  const studio = await TestClient.connectAs(server, { role: 'studio', studioId: 'london' });
  const { id: recvId } = await viewer.ok('transport:create', { direction: 'recv' });
  const { id: sendId } = await studio.ok('transport:create', { direction: 'send' });
  await studio.ok('feed:open', { studioId: 'london', label: 'Camera' });
  const clients = transports.filter((t) => t.id === recvId || t.id === sendId);
  expect(clients).toHaveLength(2);
  // How each transport ended: closed by its owner, or swept away with its router or WebRTC server.
  const ends = clients.map((t) => {
    const end = { by: 'still open' };
    t.observer.once('close', () => (end.by === 'still open' ? (end.by = 'owner') : undefined));
    t.once('routerclose', () => (end.by = 'router'));
    t.once('listenserverclose', () => (end.by = 'WebRTC server'));
    return end;
  });
  const told = [viewer, studio].map((c) => c.next('server:closing'));
  await server.close('restart');
  expect(await Promise.all(told)).toEqual([{ reason: 'restart' }, { reason: 'restart' }]);
  expect(ends).toEqual([{ by: 'owner' }, { by: 'owner' }]);
  viewer.close();
  studio.close();
});
