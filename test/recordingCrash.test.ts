// A server crash in the middle of a recording: the server process is killed with SIGKILL while it
// records; its ffmpeg children die with it; after a restart on the same data the recording is
// listed as interrupted, with the length its file has, and the file plays to its end.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { AccessTokens } from '../server/src/access/AccessTokens';
import { expectPlayableRecording } from './support/playable';
import { freePortRun } from './support/ports';
import { startServerProcess, startTestServer } from './support/server';

/** Process ids of the running children of `parent` named `name`. */
function childrenOf(parent: number, name: string): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === parent && comm === name ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('keeps a recording the server crashed in, playable, and lists it as interrupted after a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-crash-'));
  const port = await freePortRun(1);
  const { child, exited, output } = startServerProcess({ PORT: String(port), RTC_PORT: String(await freePortRun(1)), DATA_DIR: dataDir });
  let ffmpegs: number[] = [];
  try {
    await expect.poll(output, { timeout: 30_000 }).toContain('Hybrid Stage is running');
    const token = await AccessTokens.inDataDir(dataDir).mint({ role: 'producer' });
    const started = await fetch(`http://127.0.0.1:${port}/api/channels/main/recording`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(started.status).toBe(201);
    const recording = (await started.json()) as { id: string };
    await new Promise((r) => setTimeout(r, 4000));
    ffmpegs = childrenOf(child.pid!, 'ffmpeg');
    expect(ffmpegs.length).toBe(4); // three test patterns and the recorder

    child.kill('SIGKILL');
    await exited;
    // The kernel ends every ffmpeg with the server.
    await expect.poll(() => ffmpegs.filter(alive), { timeout: 5000 }).toEqual([]);

    const server = await startTestServer({ DATA_DIR: dataDir, WORKERS: '1', TEST_PATTERNS: 'false' });
    try {
      const after = await server.recordings.get(recording.id);
      expect(after.status).toBe('interrupted');
      expect(after.durationMs).toBeGreaterThan(2500);
      const file = await server.recordings.file(recording.id);
      await expectPlayableRecording(file);
    } finally {
      await server.close();
    }
  } finally {
    child.kill('SIGKILL');
    for (const pid of ffmpegs.filter(alive)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 90_000);
