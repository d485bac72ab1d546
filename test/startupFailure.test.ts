// A start that fails part-way closes, in reverse, everything it had opened: no mediasoup worker or
// ffmpeg left running, the database checkpointed and closed, the ports free, so the next start on
// the same data and ports works.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { freePortRun } from './support/ports';
import { startTestServer } from './support/server';

/** This process's child processes now, pid to command name. */
function children(): Map<number, string> {
  const found = new Map<number, string>();
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    let list = '';
    try {
      list = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    for (const pid of list.split(' ').filter(Boolean).map(Number)) {
      try {
        found.set(pid, readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
      } catch {
        // it ended meanwhile
      }
    }
  }
  return found;
}

/** Runs `start` and notes every child process that appears while it runs (polled: the ones that lived long enough to be seen). */
async function childrenStartedBy(start: () => Promise<unknown>): Promise<{ error: unknown; started: Map<number, string> }> {
  const before = new Set(children().keys());
  const started = new Map<number, string>();
  const look = () => {
    for (const [pid, name] of children()) if (!before.has(pid)) started.set(pid, name);
  };
  const timer = setInterval(look, 20);
  let error: unknown;
  try {
    await start();
  } catch (caught) {
    error = caught;
  } finally {
    clearInterval(timer);
    look();
  }
  return { error, started };
}

const alive = (pids: Iterable<number>) => [...pids].filter((pid) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '));

let cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-failed-start-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

it('a start whose HTTP port is taken closes its workers, test patterns and database, and the next start on the same data and ports works', async () => {
  const dataDir = tempDataDir();
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  const rtcPort = await freePortRun(2);
  const env = { PORT: String(port), RTC_PORT: String(rtcPort), DATA_DIR: dataDir, WORKERS: '2', TEST_PATTERNS: 'true' };

  const { error, started } = await childrenStartedBy(() => startTestServer(env));
  expect(String(error)).toMatch(/HTTP port \d+ on 127\.0\.0\.1 is already in use/);
  // It got as far as the media: two workers and the studios' test patterns ran.
  expect([...started.values()].filter((name) => name.startsWith('mediasoup-work'))).toHaveLength(2);
  expect([...started.values()]).toContain('ffmpeg');
  await expect.poll(() => alive(started.keys()), { timeout: 15_000 }).toEqual([]);
  // Checkpointed and closed: the last connection to go removes the write-ahead log.
  expect(existsSync(join(dataDir, 'hybrid-stage.db'))).toBe(true);
  expect(existsSync(join(dataDir, 'hybrid-stage.db-wal'))).toBe(false);

  await new Promise((resolve) => blocker.close(resolve));
  const server = await startTestServer(env);
  cleanup.push(() => server.close());
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
  expect(server.url).toBe(`http://127.0.0.1:${port}`);
});

it('a start that fails half-way (the recordings folder cannot be made) closes what it had built, and the next start works', async () => {
  const dataDir = tempDataDir();
  mkdirSync(dataDir, { recursive: true });
  // A file where the recordings folder goes: the recordings are built after the workers, test patterns and channels.
  writeFileSync(join(dataDir, 'recordings'), 'not a folder');
  const env = { RTC_PORT: String(await freePortRun(1)), DATA_DIR: dataDir, WORKERS: '1', TEST_PATTERNS: 'true' };

  const { error, started } = await childrenStartedBy(() => startTestServer(env));
  expect((error as NodeJS.ErrnoException).code).toBe('EEXIST');
  expect([...started.values()]).toContain('ffmpeg');
  expect([...started.values()].some((name) => name.startsWith('mediasoup-work'))).toBe(true);
  await expect.poll(() => alive(started.keys()), { timeout: 15_000 }).toEqual([]);
  // The database was opened (so its missing WAL means checkpointed and closed, not never made).
  expect(existsSync(join(dataDir, 'hybrid-stage.db'))).toBe(true);
  expect(existsSync(join(dataDir, 'hybrid-stage.db-wal'))).toBe(false);

  rmSync(join(dataDir, 'recordings'));
  const server = await startTestServer(env);
  cleanup.push(() => server.close());
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
});
