// The server as `npm start` runs it: a process of its own, serving until SIGTERM, then exiting 0.
// (The other tests start it in-process; this one catches what only a real start would show.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { freePortRun } from './support/ports';
import { servedPageAt, startServerProcess } from './support/server';

it('starts, prints the links, serves the app and the API, and stops cleanly on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-start-'));
  const port = await freePortRun(1);
  // Asked to: a log (this pipe) gets no links otherwise.
  const server = startServerProcess({ PORT: String(port), RTC_PORT: String(await freePortRun(1)), DATA_DIR: dataDir, PRINT_INVITES: 'true' });
  try {
    await expect.poll(server.output, { timeout: 30_000 }).toContain('Hybrid Stage is running');
    expect(server.output()).toMatch(new RegExp(`Producer console:\\s+http://127\\.0\\.0\\.1:${port}/console\\?token=`));
    expect(server.output()).toMatch(/\/desk\/main\/en\?token=/);
    expect(server.output()).toMatch(/A remote guest joining [^\n]*\n\s+\S+\/studio\/[a-z-]+\?token=/);
    // The admin page's link and one exhibitor link work as bearer tokens on the API.
    const admin = /Admin page[^\n]*\n\s+(\S+\/admin\?token=(\S+))/.exec(server.output());
    const exhibitor = /Exhibitor of [^\n]*\n\s+\S+\/exhibition\?stand=([a-z0-9-]+)&token=(\S+)/.exec(server.output());
    expect(admin).not.toBeNull();
    expect(exhibitor).not.toBeNull();
    const analytics = (token: string) => fetch(`http://127.0.0.1:${port}/api/exhibition/analytics`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
    expect(((await analytics(admin![2]!)) as { stands: unknown[] }).stands).toHaveLength(24);
    expect(((await analytics(exhibitor![2]!)) as { stands: { standId: string }[] }).stands.map((s) => s.standId)).toEqual([exhibitor![1]]);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const page = await (await fetch(`http://127.0.0.1:${port}/channel/main`)).text();
    expect(page).toContain('<div id="root">');
    expect((await servedPageAt(`http://127.0.0.1:${port}`, '/channel/main')).viewers).toBe('anonymous');
    const vtt = await fetch(`http://127.0.0.1:${port}/api/channels/main/sessions/none/captions/en.vtt`);
    expect(vtt.status).toBe(404);
    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  } finally {
    server.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it('refuses a wrong setting with a message naming it, and exits 1', async () => {
  const server = startServerProcess({ PORT: 'eighty', RTC_PORT: '1' });
  expect(await server.exited).toBe(1);
  expect(server.output()).toMatch(/PORT="eighty"/);
});

it('prints no invite link into a log unless asked: whoever reads the logs would hold an admin link', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-start-'));
  const port = await freePortRun(1);
  // Its output is a pipe, as under systemd, Docker or a log collector.
  const server = startServerProcess({ PORT: String(port), RTC_PORT: String(await freePortRun(1)), DATA_DIR: dataDir, TEST_PATTERNS: 'false' });
  try {
    await expect.poll(server.output, { timeout: 30_000 }).toContain('Hybrid Stage is running');
    await expect.poll(server.output).toContain('npm run invite');
    expect(server.output()).not.toContain('token=');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).not.toContain('token=');
  } finally {
    server.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
