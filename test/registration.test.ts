// An event that asks viewers to register: the server refuses viewer actions from clients without a
// token (over the socket and HTTP) with REGISTRATION_REQUIRED; a registration is checked, stored,
// answered with a viewer token that works, kept across a restart, and listed for admins.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type FilmInfo, type RegistrationInfo, type RegistrationResult } from '@hybrid-stage/shared';
import { servedPageAt, startTestServer, TestClient, type TestServer } from './support/server';
import { writeRegisteredEvent } from './support/registeredEvent';
import { standWithStock } from './support/stands';

const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-registration-'));
const env = { DATA_DIR: dataDir, EVENT_FILE: writeRegisteredEvent(dataDir), WORKERS: '1', TEST_PATTERNS: 'false', REGISTRATIONS_PER_MINUTE: '30', TRUST_PROXY: 'loopback' };
let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer(env);
  admin = await server.access.mint({ role: 'admin' });
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function api(method: string, path: string, options: { body?: unknown; token?: string; raw?: string; visitor?: string; forwardedFor?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.visitor) headers['x-visitor-id'] = options.visitor;
  if (options.forwardedFor) headers['x-forwarded-for'] = options.forwardedFor;
  const res = await fetch(`${server.url}/api${path}`, { method, headers, body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : undefined;
  return { status: res.status, body: json, text, type: res.headers.get('content-type') };
}

const form = { name: 'Ada Lovelace', email: 'Ada@Example.com', organisation: 'Analytical Engines Ltd', country: 'United Kingdom', consent: true };

describe('an event that asks viewers to register', () => {
  it('tells clients that viewers must register', async () => {
    expect((await api('GET', '/event')).body).toMatchObject({ viewers: 'registered' });
    const anonymous = await TestClient.connect(server.url);
    expect(await anonymous.ok('event:get', {})).toMatchObject({ viewers: 'registered' });
    anonymous.close();
    // The page itself says so too (an anonymous event's page starts without asking).
    expect((await servedPageAt(server.url, '/channel/main')).viewers).toBe('registered');
  });

  it('refuses every viewer action from a socket without a token with REGISTRATION_REQUIRED', async () => {
    const anonymous = await TestClient.connect(server.url);
    for (const [name, payload] of [
      ['media:capabilities', {}],
      ['transport:create', { direction: 'recv' }],
      ['captions:join', { channelId: 'main', language: 'en' }],
      ['exhibition:enter', {}],
      ['stand:join', { standId: 'any-stand', visitorId: 'visitor-0001' }],
      ['program:consume', { channelId: 'main', transportId: 'x', rtpCapabilities: {} }],
    ] as const) {
      const response = await anonymous.raw(name, payload);
      expect(response, name).toMatchObject({ ok: false, error: { code: 'REGISTRATION_REQUIRED' } });
    }
    anonymous.close();
  });

  it('refuses comments and gifts over HTTP without a token, and lets a registered viewer comment', async () => {
    expect((await api('POST', '/stands', { token: admin, body: standWithStock('reg-stand', 3) })).status).toBe(201);
    const comment = { author: 'Ada', text: 'Hello' };
    const visitor = server.access.issueVisitorId();
    const refused = await api('POST', '/stands/reg-stand/comments', { visitor, body: comment });
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 'REGISTRATION_REQUIRED' } } });
    expect((await api('POST', '/stands/reg-stand/gift', { visitor })).body).toMatchObject({ error: { code: 'REGISTRATION_REQUIRED' } });
    // Nor does an unregistered browser get a visitor id.
    expect((await api('POST', '/visitors')).body).toMatchObject({ error: { code: 'REGISTRATION_REQUIRED' } });
    expect((await api('GET', '/stands/reg-stand/comments')).body).toMatchObject({ error: { code: 'REGISTRATION_REQUIRED' } });

    const { token } = (await api('POST', '/registrations', { body: { ...form, email: 'commenter@example.com' } })).body as RegistrationResult;
    expect((await api('POST', '/stands/reg-stand/comments', { visitor, token, body: comment })).status).toBe(201);
    expect((await api('GET', '/stands/reg-stand/comments', { token })).body).toMatchObject([{ author: 'Ada', text: 'Hello' }]);
  });

  it('serves films and caption files only to registered viewers, through signed links', async () => {
    // A one-second film with an English track, placed in the cinema's directory as an admin would.
    const filmsDir = join(dataDir, 'films');
    mkdirSync(filmsDir, { recursive: true });
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=s=160x90:r=10:d=1', '-c:v', 'libvpx', join(filmsDir, 'members-only.webm')]);
    writeFileSync(join(filmsDir, 'members-only.en.vtt'), 'WEBVTT\n\n00:00.000 --> 00:01.000\nFor registered eyes\n');
    expect((await api('GET', '/films')).body).toMatchObject({ error: { code: 'REGISTRATION_REQUIRED' } });
    expect((await api('GET', '/films/members-only')).body).toMatchObject({ error: { code: 'REGISTRATION_REQUIRED' } });
    const plain = await fetch(`${server.url}/api/films/files/members-only.webm`);
    expect(plain.status).toBe(401);
    expect((await plain.json()).error.code).toBe('REGISTRATION_REQUIRED');
    expect((await api('GET', '/channels/main/sessions/none/captions/en.vtt')).body).toMatchObject({ error: { code: 'REGISTRATION_REQUIRED' } });
    expect((await api('GET', '/recordings/none/captions/en.vtt')).body).toMatchObject({ error: { code: 'REGISTRATION_REQUIRED' } });

    const { token } = (await api('POST', '/registrations', { body: { ...form, email: 'cinema@example.com' } })).body as RegistrationResult;
    const film = ((await api('GET', '/films', { token })).body as FilmInfo[]).find((f) => f.id === 'members-only')!;
    expect(film.src).toMatch(/^\/api\/films\/files\/members-only\.webm\?expires=\d+&signature=/);
    // The signed links are what <video> and <track> load: no token needed.
    const video = await fetch(`${server.url}${film.src}`, { headers: { Range: 'bytes=0-99' } });
    expect(video.status).toBe(206);
    expect(await (await fetch(`${server.url}${film.tracks[0]!.src}`)).text()).toContain('For registered eyes');
    // A signature is for its own file and its own expiry.
    const query = film.src.slice(film.src.indexOf('?'));
    expect((await fetch(`${server.url}/api/films/files/members-only.en.vtt${query}`)).status).toBe(401);
    expect((await fetch(`${server.url}${film.src.replace(/expires=(\d+)/, (_, e: string) => `expires=${Number(e) + 1000}`)}`)).status).toBe(401);
    expect((await api('GET', '/channels/main/sessions/none/captions/en.vtt', { token })).body).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await api('GET', '/recordings/none/captions/en.vtt', { token })).body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('registers a viewer, whose token then joins channels and captions', async () => {
    const response = await api('POST', '/registrations', { body: form });
    expect(response.status).toBe(201);
    const result = response.body as RegistrationResult;
    const viewer = await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION, token: result.token });
    expect(await viewer.grant).toEqual({ role: 'viewer' });
    expect(await viewer.request('captions:join', { channelId: 'main', language: 'en' })).toMatchObject({ ok: true });
    expect(await viewer.request('media:capabilities', {})).toMatchObject({ ok: true });
    const transport = await viewer.ok('transport:create', { direction: 'recv' });
    expect(transport.id).toBeTruthy();
    // Still a viewer: it may watch, not switch.
    expect(await viewer.request('program:take', { channelId: 'main', feedId: 'x' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    viewer.close();
  });

  it('gives the same email a new token, answered as a first registration is, and keeps the first registration unchanged', async () => {
    const again = await api('POST', '/registrations', { body: { ...form, email: 'ADA@example.com', name: 'Someone Else' } });
    // Whoever posts a form cannot tell from the answer whether that email had registered.
    expect(again.status).toBe(201);
    expect(Object.keys(again.body).sort()).toEqual(['expiresAt', 'token']);
    const { body } = await api('GET', '/registrations', { token: admin });
    const ada = (body.registrations as RegistrationInfo[]).filter((r) => r.email === 'ada@example.com');
    expect(ada).toHaveLength(1);
    expect(ada[0]!.name).toBe('Ada Lovelace');
  });

  it('answers bad registrations with INVALID_REQUEST and stores none of them', async () => {
    const before = (await api('GET', '/registrations', { token: admin })).body.count as number;
    for (const [what, body] of [
      ['no consent', { ...form, email: 'x1@example.com', consent: false }],
      ['consent missing', { name: 'A', email: 'x2@example.com', organisation: 'O', country: 'C' }],
      ['not an email', { ...form, email: 'not-an-email' }],
      ['an unknown field', { ...form, email: 'x3@example.com', role: 'admin' }],
      ['a __proto__ key', JSON.parse('{"name":"A","email":"x4@example.com","organisation":"O","country":"C","consent":true,"__proto__":{"admin":true}}')],
      ['an empty name', { ...form, email: 'x5@example.com', name: '   ' }],
      ['a name too long', { ...form, email: 'x6@example.com', name: 'n'.repeat(101) }],
      ['a number for a name', { ...form, email: 'x7@example.com', name: 42 }],
      ['an array', [form]],
    ] as const) {
      const response = await api('POST', '/registrations', { body });
      expect(response.status, what).toBe(400);
      expect(response.body, what).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    }
    expect((await api('POST', '/registrations', { raw: '{"name": ' })).body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    expect((await api('POST', '/registrations', { raw: JSON.stringify({ ...form, name: 'x'.repeat(70_000) }) })).status).toBe(413);
    expect((await api('GET', '/registrations', { token: admin })).body.count).toBe(before);
  });

  it('shows registrations to admins only, also as CSV', async () => {
    expect((await api('GET', '/registrations')).status).toBe(401);
    const producer = await server.access.mint({ role: 'producer' });
    expect((await api('GET', '/registrations', { token: producer })).body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await api('GET', '/registrations.csv', { token: producer })).status).toBe(403);
    const csv = await api('GET', '/registrations.csv', { token: admin });
    expect(csv.type).toContain('text/csv');
    expect(csv.text.split('\r\n')[0]).toBe('registeredAt,name,email,organisation,country');
    expect(csv.text).toContain('"Ada Lovelace","ada@example.com","Analytical Engines Ltd","United Kingdom"');
  });

  it('still has the registrations after a restart, and the tokens still work', async () => {
    const { token } = (await api('POST', '/registrations', { body: { ...form, email: 'grace@example.com', name: 'Grace Hopper' } })).body as RegistrationResult;
    await server.close();
    server = await startTestServer({ ...env, RTC_PORT: String(server.rtcPort) });
    const { body } = await api('GET', '/registrations', { token: admin });
    expect((body.registrations as RegistrationInfo[]).map((r) => r.email)).toEqual(expect.arrayContaining(['ada@example.com', 'grace@example.com', 'commenter@example.com']));
    const viewer = await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION, token });
    expect(await viewer.request('captions:join', { channelId: 'main', language: 'en' })).toMatchObject({ ok: true });
    viewer.close();
  });

  it('limits registrations from one address with RATE_LIMITED, and keeps serving', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await api('POST', '/registrations', { body: { ...form, email: `flood${i}@example.com` } })).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(30);
    expect((await api('GET', '/event')).status).toBe(200);
    // Behind a trusted proxy (TRUST_PROXY=loopback here) each viewer is counted by the address the
    // proxy forwards, so one flood does not lock out everyone else behind it.
    const viaProxy = (email: string, forwardedFor: string) => api('POST', '/registrations', { body: { ...form, email }, forwardedFor });
    expect((await viaProxy('someone.else@example.com', '198.51.100.7')).status).toBe(201);
    const fromOneHost: number[] = [];
    for (let i = 0; i < 32; i++) fromOneHost.push((await viaProxy(`v6-${i}@example.com`, `2001:db8:77:1::${i.toString(16)}`)).status);
    expect(fromOneHost).toContain(429);
  });
});

describe('an event with anonymous viewers (the demo)', () => {
  it('lets viewers watch without a token and does not take registrations', async () => {
    const demo = await startTestServer({ WORKERS: '1', TEST_PATTERNS: 'false' });
    try {
      const anonymous = await TestClient.connect(demo.url);
      expect(await anonymous.ok('event:get', {})).toMatchObject({ viewers: 'anonymous' });
      expect(await anonymous.request('captions:join', { channelId: 'main', language: 'en' })).toMatchObject({ ok: true });
      anonymous.close();
      const res = await fetch(`${demo.url}/api/registrations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(form) });
      expect(res.status).toBe(409);
    } finally {
      await demo.close();
    }
  });
});
