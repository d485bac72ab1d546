// Bad input, systematically, on the real server and in a real browser:
//  (a) markup in every text a person can type or configure is stored as it was and shown as text on
//      every page that renders it; no script runs (the browser context bypasses the CSP, so only
//      rendering as text stands between a payload and its execution);
//  (b) path traversal on every route that serves a file is 400 or 404 and serves nothing outside
//      its directory (the films' own route is covered in test/cinema.test.ts);
//  (c) __proto__ and constructor keys, deep nesting, wrong shapes and oversized payloads on every
//      socket request and every JSON body are answered with codes, and the server keeps serving.
// Other tests cover single cases already (test/signaling.test.ts, test/exhibition.test.ts); this one
// goes over every field and route.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PROTOCOL_VERSION, Requests, type Ack, type RegistrationResult, type RequestName } from '@hybrid-stage/shared';
import { rawGet, startTestServer, TestClient, type TestServer } from '../support/server';
import { launchBrowser, screenshot } from '../support/browser';
import { DEMO_EVENT } from '../../server/src/studios/demoEvent';
import { standWithStock } from '../support/stands';

/** A payload that runs `alert` if it is ever parsed as HTML (≤ 40 characters for a tag of ≤ 8). */
const short = (tag: string) => `<img src=x onerror=alert("${tag}")>`;
/** A longer one with a script element too. */
const long = (tag: string) => `<script>alert("${tag}")</script>${short(tag)}`;

const now = Date.now();
const EVENT = {
  ...DEMO_EVENT,
  viewers: 'registered',
  name: long('event'),
  studios: DEMO_EVENT.studios.map((s) => (s.id === 'london' ? { ...s, name: short('studio') } : s)),
  channels: DEMO_EVENT.channels.map((c) => (c.id === 'main' ? { ...c, name: short('channel') } : c)),
  sessions: [
    {
      id: 'keynote',
      channelId: 'main',
      title: long('session'),
      speakers: [long('speaker')],
      startsAt: new Date(now - 3_600_000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
    },
  ],
};

const STAND_CONTENT = {
  ...standWithStock('xss-stand', 5).content,
  exhibitor: long('exhib'),
  logoText: '<svg onload=alert(1)>',
  tagline: long('tagline'),
  products: [{ name: long('product'), description: long('proddesc') }],
  links: [{ label: short('link'), url: 'https://example.com/' }],
  team: [{ name: long('team'), role: long('role'), email: 'team@example.com', phone: short('phone') }],
  gift: { title: long('gift'), description: long('giftdesc'), stock: 5 },
};

let dataDir: string;
let server: TestServer;
let browser: Browser;
let admin: string;
let producer: string;
let viewerToken: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-bad-input-'));
  writeFileSync(join(dataDir, 'event.json'), JSON.stringify(EVENT));
  server = await startTestServer({ DATA_DIR: dataDir, EVENT_FILE: join(dataDir, 'event.json'), WORKERS: '1', MT_APERTIUM_LANGUAGES: 'none' });
  browser = await launchBrowser();
  admin = await server.access.mint({ role: 'admin' });
  producer = await server.access.mint({ role: 'producer' });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function api(method: string, path: string, options: { body?: unknown; raw?: string; token?: string; visitor?: string; type?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = options.type ?? 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.visitor) headers['x-visitor-id'] = options.visitor;
  const res = await fetch(`${server.url}/api${path}`, { method, headers, body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/** A browser context that ignores the CSP: a rendering hole would run its payload here. */
async function openPage(locale = 'en-US'): Promise<{ context: BrowserContext; page: Page; dialogs: string[] }> {
  const context = await browser.newContext({ bypassCSP: true, locale, viewport: { width: 1200, height: 1000 } });
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { context, page, dialogs };
}

/** Waits until the page shows every text literally, then checks that no payload became an element. */
async function showsAsText(page: Page, texts: string[], name: string) {
  for (const text of texts) await expect.poll(() => page.locator('body').textContent(), { timeout: 15_000, message: `${name} shows ${text}` }).toContain(text);
  const injected = await page.evaluate(() => document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload], body script').length);
  expect(injected, `${name}: elements made from payloads`).toBe(0);
  await screenshot(page, `bad-input-${name}`);
}

describe('markup in every text field is shown as text, and never runs', () => {
  it('takes the payloads in through every API that stores text', async () => {
    // The registration form, as a viewer fills it in.
    const registration = await api('POST', '/registrations', {
      body: { name: long('regname'), email: 'xss@example.com', organisation: long('regorg'), country: short('country'), consent: true },
    });
    expect(registration.status).toBe(201);
    viewerToken = (registration.body as RegistrationResult).token;

    expect((await api('POST', '/stands', { token: admin, body: { id: 'xss-stand', content: STAND_CONTENT, placement: { x: 0, z: 30, rotation: 270 } } })).status).toBe(201);
    const comment = await api('POST', '/stands/xss-stand/comments', { token: viewerToken, visitor: server.access.issueVisitorId(), body: { author: short('author'), text: long('comment') } });
    expect(comment.status).toBe(201);

    // A feed label from a studio's socket, and an ingest's label over HTTP.
    const studio = await TestClient.connectAs(server, { role: 'studio', studioId: 'moscow' });
    await studio.ok('feed:open', { studioId: 'moscow', label: long('feed') });
    const ingest = await api('POST', '/studios/singapore/ingests', { token: producer, body: { label: long('ingest'), protocol: 'rtp', source: { ip: '127.0.0.1' } } });
    expect(ingest.status).toBe(201);
    // The studio's socket stays open: its feed lives as long as it does.
    studioClient = studio;

    // A film's title and description.
    const video = join(dataDir, 'clip.webm');
    execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=10', '-t', '1', '-c:v', 'libvpx', video]);
    const upload = await fetch(`${server.url}/api/films/xss-film/video`, { method: 'PUT', headers: { authorization: `Bearer ${producer}`, 'content-type': 'video/webm' }, body: readFileSync(video) });
    expect(upload.status).toBe(201);
    expect((await api('PUT', '/films/xss-film', { token: producer, body: { title: long('film'), description: long('filmdesc') } })).status).toBe(200);

    // A re-run's region: record the session on air for a moment, then schedule it.
    const console = await TestClient.connectAs(server, { role: 'producer' });
    await console.ok('recording:start', { channelId: 'main' });
    await new Promise((r) => setTimeout(r, 3000));
    await console.ok('recording:stop', { channelId: 'main' });
    const rerun = await console.request('rerun:create', { sessionId: 'keynote', channelId: 'europe', startsAt: new Date(Date.now() + 3_600_000).toISOString(), region: short('region') });
    expect(rerun).toMatchObject({ ok: true, data: { region: short('region') } });
    console.close();

    // Stored exactly as written.
    expect((await api('GET', '/stands/xss-stand', { token: viewerToken })).body).toMatchObject({ exhibitor: long('exhib'), logoText: '<svg onload=alert(1)>' });
  });

  it('shows them literally on every page, with no script run', async () => {
    const { context, page, dialogs } = await openPage();
    // The registration form names the event.
    await page.goto(`${server.url}/agenda`);
    await showsAsText(page, [long('event')], 'registration');
    await page.evaluate((token) => localStorage.setItem('hybrid-stage.viewerToken', token), viewerToken);

    await page.goto(`${server.url}/`);
    await showsAsText(page, [long('event'), short('channel'), long('session'), short('region'), `${short('studio')} test pattern`], 'home');

    await page.goto(`${server.url}/agenda`);
    await showsAsText(page, [long('session'), long('speaker'), short('channel'), short('region')], 'agenda');

    await page.goto(`${server.url}/channel/main`);
    await page.getByLabel('Captions').selectOption('en');
    // A caption cue, through the provider's HTTP ingest, while the viewer watches.
    const captioner = await server.access.mint({ role: 'captioner', channelId: 'main', languages: ['en'] });
    const cue = await api('POST', '/channels/main/captions', { token: captioner, body: { cues: [{ id: 'xss-cue', language: 'en', text: long('cue'), startMs: Date.now(), endMs: Date.now() + 8000 }] } });
    expect(cue.status).toBe(200);
    await showsAsText(page, [long('session'), short('channel')], 'watch');
    await expect.poll(() => page.getByTestId('captions').textContent(), { timeout: 15_000 }).toBe(long('cue'));

    await page.goto(`${server.url}/exhibition?view=list&stand=xss-stand`);
    await page.getByTestId('stand-panel').waitFor({ timeout: 15_000 });
    await showsAsText(
      page,
      [long('exhib'), long('tagline'), long('product'), long('proddesc'), short('link'), long('team'), long('role'), long('gift'), long('giftdesc'), short('author'), long('comment')],
      'exhibition',
    );

    await page.goto(`${server.url}/cinema`);
    await showsAsText(page, [long('film'), long('filmdesc')], 'cinema');
    expect(dialogs).toEqual([]);
    await context.close();

    const crew = await openPage();
    await crew.page.goto(`${server.url}/console?token=${producer}`);
    await showsAsText(crew.page, [long('feed'), long('ingest'), short('channel')], 'console');
    await crew.page.goto(`${server.url}/admin?token=${admin}`);
    // The invite form's role (the revoke form has one too, and shows before the invite form has the event).
    await crew.page.getByRole('region', { name: 'Invite links' }).getByRole('combobox', { name: 'Role' }).selectOption('exhibitor');
    await showsAsText(crew.page, [long('regname'), long('regorg'), short('country')], 'admin');
    // The stands load after the role is chosen: wait for them rather than read the select at once.
    await expect.poll(() => crew.page.getByRole('combobox', { name: 'Stand' }).locator('option').allTextContents(), { timeout: 10_000 }).toContain(long('exhib'));
    await crew.page.goto(`${server.url}/studio/london`);
    await showsAsText(crew.page, [short('studio')], 'studio');
    expect(crew.dialogs).toEqual([]);
    expect(await crew.page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    await crew.context.close();
    studioClient?.close();
  });
});

let studioClient: TestClient | undefined;


describe('path traversal on every route that serves a file', () => {
  const targets = ['package.json', 'hybrid-stage.db', 'access-token.key', 'etc/passwd'];
  const escapes = (prefix: string) =>
    targets.flatMap((t) => [
      `${prefix}../${t}`,
      `${prefix}../../../${t}`,
      `${prefix}..%2f..%2f${t}`,
      `${prefix}%2e%2e/%2e%2e/${t}`,
      `${prefix}%2e%2e%2f%2e%2e%2f${t}`,
      `${prefix}%252e%252e%252f${t}`,
      `${prefix}..%5c..%5c${t}`,
      `${prefix}..\\..\\${t}`,
      `${prefix}%2e%2e%5c${t}`,
      `${prefix}${t}%00.js`,
      `${prefix}%00`,
      `${prefix}/${t}`,
      `${prefix}%2f${t}`,
    ]);

  it('answers 400 or 404 with nothing from outside the directory', async () => {
    const recordingId = (await api('GET', '/recordings', { token: producer })).body as Array<{ id: string }>;
    expect(recordingId.length).toBeGreaterThan(0);
    const routes = [
      // The built client (static files and the app shell).
      ...escapes('/'),
      ...escapes('/assets/'),
      // A recording's file and captions (the id is looked up, never used as a path).
      ...escapes('/api/recordings/').map((p) => `${p}/file`),
      ...escapes(`/api/recordings/${recordingId[0]!.id}/captions/`).map((p) => `${p}.vtt`),
      // A session's captions as WebVTT.
      ...escapes('/api/channels/main/sessions/').map((p) => `${p}/captions/en.vtt`),
      ...escapes('/api/channels/main/sessions/keynote/captions/'),
      // The films' poster-less file route is in cinema.test.ts; the film ids here.
      ...escapes('/api/films/'),
    ];
    for (const path of routes) {
      const { status, body } = await rawGet(server.url, path, producer);
      expect([400, 404], path).toContain(status);
      expect(body, path).not.toContain('SQLite format');
      expect(body, path).not.toContain('root:x:');
      expect(body, path).not.toContain('"workspaces"');
      expect(body, path).not.toContain('<!doctype html>');
      expect(body, path).not.toMatch(/at .+\.(ts|js):\d+/); // no stack trace
      expect(JSON.parse(body), path).toMatchObject({ error: { code: expect.stringMatching(/^(INVALID_REQUEST|NOT_FOUND)$/) } });
    }
    // A missing asset is a 404 too, not the app shell; pages still get the shell.
    expect((await rawGet(server.url, '/assets/nothing-here.js')).status).toBe(404);
    expect((await rawGet(server.url, '/channel/main')).body).toContain('<div id="root">');
    expect((await rawGet(server.url, '/%')).status).toBe(400);
  });
});

/**
 * Sends a socket.io event as packet text, as a client that skips socket.io's encoder could (the
 * encoder itself cannot write some payloads, e.g. nesting 10,000 deep), and waits for its ack.
 */
function rawPacket(client: TestClient, name: string, payloadJson: string, id: number): Promise<Ack<unknown>> {
  const engine = client.socket.io.engine as unknown as { write(data: string): void; on(e: 'message', f: (d: string) => void): void; off(e: 'message', f: (d: string) => void): void };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${name}`)), 5000);
    const onMessage = (data: string) => {
      if (!String(data).startsWith(`3${id}[`)) return;
      clearTimeout(timer);
      engine.off('message', onMessage);
      resolve((JSON.parse(String(data).slice(`3${id}`.length)) as [Ack<unknown>])[0]);
    };
    engine.on('message', onMessage);
    engine.write(`2${id}[${JSON.stringify(name)},${payloadJson}]`);
  });
}

describe('prototype keys, deep nesting, wrong shapes and oversized payloads', () => {
  const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  const payloads: Array<[string, () => unknown]> = [
    ['a __proto__ key', () => JSON.parse('{"__proto__":{"polluted":true},"channelId":"main"}')],
    ['a constructor key', () => JSON.parse('{"constructor":{"prototype":{"polluted":true}},"channelId":"main"}')],
    ['nested __proto__ in parameters', () => JSON.parse('{"transportId":"x","dtlsParameters":{"__proto__":{"polluted":true}},"rtpCapabilities":{"constructor":{"prototype":{"polluted":true}}}}')],
    ['deep nesting', () => JSON.parse(deep(1500))],
    ['deep nesting in parameters', () => ({ transportId: 'x', channelId: 'main', feedId: 'x', dtlsParameters: JSON.parse(deep(1500)), rtpCapabilities: JSON.parse(deep(1500)) })],
    ['an array', () => [1, 2, 3]],
    ['a string', () => 'payload'],
    ['null', () => null],
    ['a number', () => 42],
  ];

  it('answers every socket request with a code, whoever sends it, and keeps serving', async () => {
    const clients = [await TestClient.connectAs(server, { role: 'admin' }), await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION, token: viewerToken })];
    for (const client of clients) {
      for (const name of Object.keys(Requests) as RequestName[]) {
        for (const [what, payload] of payloads) {
          const response = await client.raw(name, payload());
          if (response.ok) {
            // Only requests without fields may accept a payload (and then they ignore nothing: it must be {}).
            throw new Error(`${name} accepted ${what}`);
          }
          expect(['INVALID_REQUEST', 'FORBIDDEN'], `${name} with ${what}`).toContain(response.error.code);
        }
        // Slowly enough not to be rate-limited all the time.
        await new Promise((r) => setTimeout(r, 200));
      }
      expect((await client.ok('event:get', {})).channels.length).toBe(DEMO_EVENT.channels.length);
    }
    // Nesting 10,000 deep inside the media parameters (under the size limit): refused, not a stack
    // overflow thrown out of the socket's listener (which took the whole server down).
    const admin = clients[0]!;
    const deepJson = deep(10_000);
    let id = 900_000;
    for (const [name, payload] of [
      ['transport:connect', `{"transportId":"x","dtlsParameters":${deepJson}}`],
      ['program:consume', `{"channelId":"main","transportId":"x","rtpCapabilities":${deepJson}}`],
      ['feed:consume', `{"feedId":"x","transportId":"x","rtpCapabilities":${deepJson}}`],
      ['feed:produce', `{"feedId":"x","transportId":"x","kind":"video","rtpParameters":${deepJson}}`],
    ] as const) {
      expect(await rawPacket(admin, name, payload, id++), name).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    }
    // A message over the size limit drops that connection only.
    const flooder = await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION, token: viewerToken });
    const dropped = new Promise((resolve) => flooder.socket.once('disconnect', resolve));
    void flooder.raw('captions:join', { channelId: 'x'.repeat(100_000), language: 'en' }).catch(() => undefined);
    await dropped;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    for (const client of clients) expect((await client.ok('event:get', {})).name).toBe(long('event'));
    for (const client of clients) client.close();
  });

  it('answers every JSON body with a code, stores nothing, and keeps serving', async () => {
    const visitor = server.access.issueVisitorId();
    const routes: Array<{ method: string; path: string; token?: string }> = [
      { method: 'POST', path: '/registrations' },
      { method: 'POST', path: '/stands', token: admin },
      { method: 'PUT', path: '/stands/xss-stand', token: admin },
      { method: 'PUT', path: '/stands/xss-stand/placement', token: admin },
      { method: 'POST', path: '/stands/xss-stand/comments', token: viewerToken },
      { method: 'POST', path: '/stands/xss-stand/gift', token: viewerToken },
      { method: 'POST', path: '/studios/london/ingests', token: producer },
      { method: 'POST', path: '/channels/main/captions', token: producer },
      { method: 'POST', path: '/reruns', token: producer },
      { method: 'PUT', path: '/films/xss-film', token: producer },
    ];
    const comments = (await api('GET', '/stands/xss-stand/comments', { token: viewerToken })).body;
    const stand = (await api('GET', '/stands/xss-stand', { token: viewerToken })).body;
    const bodies: Array<[string, string]> = [
      ['a __proto__ key', '{"__proto__":{"polluted":true}}'],
      ['a constructor key', '{"constructor":{"prototype":{"polluted":true}}}'],
      ['deep nesting', deep(10_000)],
      ['an array', '[1,2,3]'],
      ['a string', '"text"'],
      ['null', 'null'],
      ['malformed JSON', '{"a":'],
      ['an oversized body', JSON.stringify({ text: 'x'.repeat(100_000) })],
    ];
    for (const route of routes) {
      for (const [what, raw] of bodies) {
        const { status, body } = await api(route.method, route.path, { raw, token: route.token, visitor });
        expect([400, 413], `${route.method} ${route.path} with ${what}`).toContain(status);
        expect(body, `${route.method} ${route.path} with ${what}`).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
      }
    }
    // A comment list id is not a path either, and a patched comment is checked the same way.
    const commentId = (comments as Array<{ id: string }>)[0]!.id;
    for (const [what, raw] of bodies) {
      const { body } = await api('PATCH', `/stands/xss-stand/comments/${commentId}`, { raw, token: admin });
      expect(body, `PATCH comment with ${what}`).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    }
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect((await api('GET', '/stands/xss-stand/comments', { token: viewerToken })).body).toEqual(comments);
    expect((await api('GET', '/stands/xss-stand', { token: viewerToken })).body).toEqual(stand);
    expect((await api('GET', '/registrations', { token: admin })).body).toMatchObject({ count: 1 });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
