// The admin command line mints invite links with the server's key: a link it prints works on the
// server started on the same data directory, and wrong roles or scopes are refused with the usage.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@hybrid-stage/shared';
import { startTestServer, TestClient } from './support/server';

const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-invite-'));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function invite(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli/invite.ts', ...args], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, DATA_DIR: dataDir, PORT: '3000', ANNOUNCED_IP: '192.0.2.10' },
    encoding: 'utf8',
  });
}

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

it('prints links whose tokens the server started on the same data accepts, with their role and scope', async () => {
  const studio = invite('studio', 'london');
  expect(studio.status).toBe(0);
  const studioLink = studio.stdout.split('\n')[0]!;
  expect(studioLink).toMatch(/^http:\/\/192\.0\.2\.10:3000\/studio\/london\?token=[\w-]+\.[\w-]+\.[\w-]+$/);
  const captioner = invite('captioner', 'main', 'ja,es', '--hours', '12');
  expect(captioner.status).toBe(0);
  const captionerLink = captioner.stdout.split('\n')[0]!;
  expect(captionerLink).toContain('/desk/main/ja?token=');

  const server = await startTestServer({ DATA_DIR: dataDir, WORKERS: '1', TEST_PATTERNS: 'false' });
  try {
    const operator = await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION, token: tokenOf(studioLink) });
    expect(await operator.grant).toEqual({ role: 'studio', studioId: 'london' });
    operator.close();
    const desk = await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION, token: tokenOf(captionerLink) });
    expect(await desk.grant).toEqual({ role: 'captioner', channelId: 'main', languages: ['ja', 'es'] });
    desk.close();
    // Stands exist now (the demo seeded them), so an exhibitor link is checked against them.
    const exhibitor = invite('exhibitor', (await server.exhibition.stands.list())[0]!.id);
    expect(exhibitor.status).toBe(0);
    expect(exhibitor.stdout).toMatch(/\/exhibition\?stand=[\w-]+&token=/);
  } finally {
    await server.close();
  }
});

it('refuses unknown roles, studios, channels, languages and stands, naming what there is', () => {
  for (const [args, message] of [
    [['wizard'], /unknown role "wizard"/],
    [['viewer'], /unknown role "viewer"/],
    [['studio', 'paris'], /no studio "paris"; studios: singapore, moscow, london/],
    [['studio'], /studio takes 1 argument/],
    [['captioner', 'main', 'xx'], /"xx" is not a caption language/],
    [['captioner', 'nowhere', 'en'], /no channel "nowhere"/],
    [['exhibitor', 'no-such-stand'], /no stand "no-such-stand"/],
    [['producer', '--hours', '0'], /--hours takes a whole number/],
  ] as const) {
    const run = invite(...args);
    expect(run.status, args.join(' ')).toBe(2);
    expect(run.stderr, args.join(' ')).toMatch(message);
    expect(run.stderr).toContain('usage: npm run invite');
    expect(run.stdout).toBe('');
  }
});
