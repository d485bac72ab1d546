// Issue 22 item 12, the rest: an admin revokes one invite link, or every link of a role made so far.
// A revoked link's open page is cut off at once and cannot come back, its token is refused over
// HTTP too, links made afterwards work, and the list survives a restart of the server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@hybrid-stage/shared';
import { startTestServer, TestClient, type TestServer } from './support/server';

const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-revocation-'));
const env = { DATA_DIR: dataDir, WORKERS: '1', TEST_PATTERNS: 'false' };
let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer(env);
  admin = await TestClient.connectAs(server, { role: 'admin' });
});

afterAll(async () => {
  admin?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const tokenIn = (path: string) => new URL(path, 'http://x').searchParams.get('token')!;

/** Whether a socket with `token` is let in: 'ok', or the handshake's refusal code. */
const connectWith = (token: string) => TestClient.admission(server.url, { protocolVersion: PROTOCOL_VERSION, token });

/** The status and code of an HTTP call that needs a captioner's or studio's token. */
async function bearerCall(token: string): Promise<[number, string]> {
  const res = await fetch(`${server.url}/api/studios/london/ingests`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { error?: { code: string } };
  return [res.status, body.error?.code ?? 'ok'];
}

describe('the revocation list', () => {
  it("revokes one link: its open page is cut off, it cannot connect again or call the API, other links work", async () => {
    const { path } = await admin.ok('invite:create', { role: 'studio', studioId: 'london' });
    const other = tokenIn((await admin.ok('invite:create', { role: 'studio', studioId: 'london' })).path);
    const token = tokenIn(path);
    const studio = await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION, token });
    expect(await studio.ok('ingest:list', { studioId: 'london' })).toEqual([]);
    const cut = new Promise<string>((resolve) => studio.socket.once('disconnect', resolve));

    // The admin pastes the whole link, as the page's field takes it.
    const revoked = await admin.ok('invite:revoke', { link: `http://stage.example.com${path}` });
    expect(revoked).toMatchObject({ role: 'studio', scope: 'london' });
    expect(await cut).toBe('io server disconnect');
    expect(await connectWith(token)).toBe('UNAUTHORIZED');
    expect(await bearerCall(token)).toEqual([401, 'UNAUTHORIZED']);
    expect(await connectWith(other)).toBe('ok');
    expect(await bearerCall(other)).toEqual([200, 'ok']);
    expect((await admin.ok('invite:revocations', {})).links).toEqual([revoked]);
  });

  it('revokes every link of a role made so far; a link made afterwards works', async () => {
    const before = await Promise.all([1, 2].map(async () => tokenIn((await admin.ok('invite:create', { role: 'guest', studioId: 'moscow' })).path)));
    const studio = tokenIn((await admin.ok('invite:create', { role: 'studio', studioId: 'moscow' })).path);
    const guest = await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION, token: before[0] });
    const cut = new Promise<string>((resolve) => guest.socket.once('disconnect', resolve));
    const { issuedBefore } = await admin.ok('invite:revokeRole', { role: 'guest' });
    expect(Date.parse(issuedBefore)).toBeLessThanOrEqual(Date.now());
    expect(await cut).toBe('io server disconnect');
    for (const token of before) expect(await connectWith(token)).toBe('UNAUTHORIZED');
    // Another role's link is untouched; a guest link made now works at once.
    expect(await connectWith(studio)).toBe('ok');
    const after = tokenIn((await admin.ok('invite:create', { role: 'guest', studioId: 'moscow' })).path);
    expect(await connectWith(after)).toBe('ok');
    expect((await admin.ok('invite:revocations', {})).roles).toEqual([{ role: 'guest', issuedBefore }]);
  });

  it('is for admins only, and refuses what is not a link of this server', async () => {
    const producer = await TestClient.connectAs(server, { role: 'producer' });
    const { path } = await producer.ok('invite:create', { role: 'guest', studioId: 'london' });
    for (const [name, payload] of [
      ['invite:revoke', { link: path }],
      ['invite:revokeRole', { role: 'guest' }],
      ['invite:revocations', {}],
    ] as const) {
      expect(await producer.request(name, payload as never), name).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    producer.close();
    expect(await admin.request('invite:revoke', { link: 'not a link <at all>' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await admin.request('invite:revoke', { link: '/studio/london?token=eyJhbGciOiJIUzI1NiJ9.e30.forged' })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await admin.request('invite:revokeRole', { role: 'superuser' } as never)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await admin.request('invite:revoke', { link: path, extra: 1 } as never)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('keeps the list across a restart of the server', async () => {
    const kept = tokenIn((await admin.ok('invite:create', { role: 'captioner', channelId: 'main', languages: ['en'] })).path);
    const gone = tokenIn((await admin.ok('invite:create', { role: 'captioner', channelId: 'main', languages: ['fr'] })).path);
    await admin.ok('invite:revoke', { link: gone });
    const oldGuest = tokenIn((await admin.ok('invite:create', { role: 'producer' })).path);
    await admin.ok('invite:revokeRole', { role: 'producer' });
    admin.close();
    await server.close();

    server = await startTestServer(env);
    admin = await TestClient.connectAs(server, { role: 'admin' });
    expect(await connectWith(gone)).toBe('UNAUTHORIZED');
    expect(await connectWith(oldGuest)).toBe('UNAUTHORIZED');
    expect(await connectWith(kept)).toBe('ok');
    const { links, roles } = await admin.ok('invite:revocations', {});
    expect(links.map((l) => l.scope)).toContain('main fr');
    expect(roles.map((r) => r.role).sort()).toEqual(['guest', 'producer']);
  });
});
