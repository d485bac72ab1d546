// Issue 22 item 11: a full disk does not end the process. No recording starts and no upload is
// taken under the free-space floor (DISK_FULL); a recording running when the disk fills to the
// floor is stopped and finished, playable; old recordings go after RECORDING_RETENTION_DAYS; and an
// unhandled rejection drains the server (recordings finished, clients told) instead of killing it.
// The filling disk is a real one: a 64 MB tmpfs the test mounts on the recordings directory.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@hybrid-stage/shared';
import { AccessTokens } from '../server/src/access/AccessTokens';
import { freePortRun } from './support/ports';
import { expectPlayableRecording } from './support/playable';
import { startServerProcess, startTestServer, TestClient, type TestServer } from './support/server';

const dirs: string[] = [];
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts) execFileSync('umount', [m]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-disk-'));
  dirs.push(dir);
  return dir;
};

describe('free disk space', () => {
  it('refuses a recording and a film upload under the floor with DISK_FULL, and keeps serving', { timeout: 60_000 }, async () => {
    // A floor far above what any disk here has free.
    const server = await startTestServer({ WORKERS: '1', DISK_FLOOR_MB: '9000000' });
    try {
      const producer = await TestClient.connectAs(server, { role: 'producer' });
      await expect.poll(() => server.channels.bus('main').state().program, { timeout: 10_000 }).not.toBeNull();
      const refused = await producer.request('recording:start', { channelId: 'main' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } });
      expect(refused.ok || refused.error.message).toMatch(/MB free.*DISK_FLOOR_MB/);
      expect(await producer.ok('recording:list', {})).toEqual([]);
      producer.close();

      const token = await server.access.mint({ role: 'producer' });
      const upload = await fetch(`${server.url}/api/films/big-film/video`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'video/webm' },
        body: Buffer.alloc(1_000_000),
      });
      expect(upload.status).toBe(507);
      expect((await upload.json()).error.code).toBe('DISK_FULL');
      // No partial file is left.
      expect(readdirSync(server.films.dir).filter((f) => f.includes('big-film'))).toEqual([]);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('stops and finishes a running recording when the disk fills to the floor, and starts none until there is room', { timeout: 120_000 }, async () => {
    const dir = dataDir();
    const recordings = join(dir, 'recordings');
    mkdirSync(recordings, { mode: 0o700 });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,mode=0700', 'tmpfs', recordings]);
    mounts.push(recordings);
    const server: TestServer = await startTestServer({ DATA_DIR: dir, WORKERS: '1', DISK_FLOOR_MB: '40' });
    try {
      const producer = await TestClient.connectAs(server, { role: 'producer' });
      await expect.poll(() => server.channels.bus('main').state().program, { timeout: 10_000 }).not.toBeNull();
      const recording = await producer.ok('recording:start', { channelId: 'main' });
      await expect.poll(async () => (await server.recordings.get(recording.id)).sizeBytes, { timeout: 15_000, interval: 500 }).toBeGreaterThan(50_000);
      // Something else fills the disk: 30 MB of 64 leaves less than the 40 MB floor.
      writeFileSync(join(recordings, 'ballast'), Buffer.alloc(30 * 1024 * 1024));
      await expect.poll(async () => (await server.recordings.get(recording.id)).status, { timeout: 15_000 }).toBe('done');
      const stopped = await server.recordings.get(recording.id);
      expect(stopped.durationMs).toBeGreaterThan(500);
      await expectPlayableRecording(await server.recordings.file(recording.id), { evenAudio: false });
      expect(await producer.request('recording:start', { channelId: 'main' })).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } });
      // Room again: recording works again.
      rmSync(join(recordings, 'ballast'));
      // (Through the registry: a stop waits for ffmpeg and ffprobe, longer than a socket test's 5 s on a loaded machine.)
      const again = await server.recordings.start('main');
      expect((await server.recordings.stop('main')).id).toBe(again.id);
      producer.close();
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('deletes recordings past RECORDING_RETENTION_DAYS at start, with their files, and keeps newer ones', { timeout: 90_000 }, async () => {
    const dir = dataDir();
    const first = await startTestServer({ DATA_DIR: dir, WORKERS: '1' });
    await expect.poll(() => first.channels.bus('main').state().program, { timeout: 10_000 }).not.toBeNull();
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      ids.push((await first.recordings.start('main')).id);
      await new Promise((r) => setTimeout(r, 1500));
      await first.recordings.stop('main');
    }
    const oldFile = await first.recordings.file(ids[0]!);
    await first.close();
    // The first one ended three days ago.
    const db = new BetterSqlite3(join(dir, 'hybrid-stage.db'));
    const threeDays = 3 * 86_400_000;
    db.prepare('UPDATE recordings SET started_at_ms = started_at_ms - ?, ended_at_ms = ended_at_ms - ? WHERE id = ?').run(threeDays, threeDays, ids[0]);
    db.close();

    const second = await startTestServer({ DATA_DIR: dir, WORKERS: '1', RECORDING_RETENTION_DAYS: '2' });
    try {
      expect((await second.recordings.list()).map((r) => r.id)).toEqual([ids[1]]);
      expect(existsSync(oldFile)).toBe(false);
    } finally {
      await second.close();
    }
  });

  it('drains on an unhandled rejection: the recording is finished and clients are told, then it exits 1', { timeout: 90_000 }, async () => {
    const dir = dataDir();
    const port = await freePortRun(1);
    // A real unhandled rejection in the server's process, when the test says so (a module loaded
    // before main.ts that rejects a promise no one awaits once the file `reject-now` appears).
    const reject = join(dir, 'reject-later.mjs');
    const trigger = join(dir, 'reject-now');
    writeFileSync(
      reject,
      `import { existsSync } from 'node:fs';\nconst timer = setInterval(() => { if (existsSync(${JSON.stringify(trigger)})) { clearInterval(timer); Promise.reject(new Error('nobody awaited this')); } }, 200);\ntimer.unref();\n`,
    );
    const server = startServerProcess({
      PORT: String(port),
      RTC_PORT: String(await freePortRun(1)),
      DATA_DIR: dir,
      TEST_PATTERNS: 'true',
      NODE_OPTIONS: `--import ${reject}`,
    });
    try {
      await expect.poll(server.output, { timeout: 60_000 }).toContain('Hybrid Stage is running');
      // The key is in DATA_DIR: a producer's token made the way npm run invite makes one.
      const token = await AccessTokens.inDataDir(dir).mint({ role: 'producer' });
      const producer = await TestClient.connect(`http://127.0.0.1:${port}`, { protocolVersion: PROTOCOL_VERSION, token });
      const closing = producer.next('server:closing', () => true, 30_000);
      await expect.poll(async () => (await producer.request('recording:start', { channelId: 'main' })).ok, { timeout: 10_000 }).toBe(true);
      await new Promise((r) => setTimeout(r, 1500));
      writeFileSync(trigger, '');
      expect(await closing).toEqual({ reason: 'restart' });
      expect(await server.exited).toBe(1);
      expect(server.output()).toMatch(/unhandled promise rejection: draining and stopping/);
      producer.close();
      const db = new BetterSqlite3(join(dir, 'hybrid-stage.db'));
      const rows = db.prepare('SELECT status, duration_ms FROM recordings').all() as Array<{ status: string; duration_ms: number }>;
      db.close();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'done' });
      expect(rows[0]!.duration_ms).toBeGreaterThan(0);
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
