// Issue 22, the bad-input suite: every HTTP route (read from express itself: RunningServer.routes)
// and every socket request (the permission table, OPERATIONS, which has one entry per request) is
// sent wrong types, oversize values, unknown fields, no token and a token of the wrong role, and is
// flooded; each answer carries the expected code, /health stays OK and nothing stored is lost. A
// route added without an entry in ROUTES below fails the first test, so new routes are covered by
// construction. (test/browser/badInput.test.ts covers markup, traversal and prototype keys.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYONE, OPERATIONS, PROTOCOL_VERSION, Requests, type Operation, type RequestName, type StandComment } from '@hybrid-stage/shared';
import { startTestServer, TestClient, type TestServer } from './support/server';
import { standWithStock } from './support/stands';

/** What a route needs: nothing (`everyone`), or a bearer token allowed `op`; and the body it reads. */
interface RouteRule {
  op?: Operation;
  body?: 'json' | 'vtt' | 'video';
  /** The code a well-authorised call with a malformed JSON body gets, when not INVALID_REQUEST. */
  badBody?: string;
  /** Sends the visitor id header (comments, gifts). */
  visitor?: boolean;
}

const ROUTES: Record<string, RouteRule> = {
  'GET /health': {},
  'GET /metrics': {},
  'GET /api/event': {},
  'POST /api/studios/:studioId/ingests': { op: 'ingest:create', body: 'json' },
  'GET /api/studios/:studioId/ingests': { op: 'ingest:list' },
  'DELETE /api/ingests/:ingestId': { op: 'ingest:close' },
  'POST /api/channels/:channelId/captions': { op: 'captions:ingest', body: 'json' },
  'GET /api/channels/:channelId/sessions/:sessionId/captions/:language.vtt': {},
  'PUT /api/channels/:channelId/sessions/:sessionId/captions/:language.vtt': { op: 'captions:import', body: 'vtt' },
  'GET /api/agenda.ics': {},
  'GET /api/sessions/:sessionId.ics': {},
  'POST /api/visitors': { body: 'json' },
  'GET /api/stands': {},
  'POST /api/stands': { op: 'stand:add', body: 'json' },
  'GET /api/stands/:standId': {},
  'PUT /api/stands/:standId': { op: 'stand:edit', body: 'json' },
  'PUT /api/stands/:standId/placement': { op: 'stand:place', body: 'json' },
  'GET /api/stands/:standId/comments': {},
  'POST /api/stands/:standId/comments': { body: 'json', visitor: true },
  'PATCH /api/stands/:standId/comments/:commentId': { op: 'comment:moderate', body: 'json' },
  'DELETE /api/stands/:standId/comments/:commentId': { op: 'comment:moderate' },
  'GET /api/stands/:standId/gift': { visitor: true },
  'POST /api/stands/:standId/gift': { body: 'json', visitor: true },
  'GET /api/exhibition/analytics': { op: 'exhibition:analytics' },
  // The demo event takes no registrations: a well-formed JSON body is refused as INVALID_STATE.
  'POST /api/registrations': { body: 'json', badBody: 'INVALID_STATE' },
  'GET /api/registrations': { op: 'registration:list' },
  'GET /api/registrations.csv': { op: 'registration:list' },
  'GET /api/recordings': { op: 'recording:list' },
  'POST /api/channels/:channelId/recording': { op: 'recording:start' },
  'DELETE /api/channels/:channelId/recording': { op: 'recording:stop' },
  'GET /api/recordings/:recordingId/file': { op: 'recording:download' },
  'DELETE /api/recordings/:recordingId': { op: 'recording:delete' },
  'GET /api/recordings/:recordingId/captions/:language.vtt': {},
  'GET /api/reruns': {},
  'POST /api/reruns': { op: 'rerun:create', body: 'json' },
  'PATCH /api/reruns/:rerunId': { op: 'rerun:update', body: 'json' },
  'DELETE /api/reruns/:rerunId': { op: 'rerun:delete' },
  'GET /api/films': {},
  'GET /api/films/:filmId': {},
  'GET /api/films/files/{*name}': {},
  'PUT /api/films/:filmId/video': { op: 'film:manage', body: 'video' },
  'PUT /api/films/:filmId/captions/:language.vtt': { op: 'film:manage', body: 'vtt' },
  'PUT /api/films/:filmId': { op: 'film:manage', body: 'json' },
  'DELETE /api/films/:filmId': { op: 'film:manage' },
  'GET /api/cluster': { op: 'cluster:list' },
  'GET /api/placement': {},
  'GET /api/hls/:channelId': {},
  'GET /hls/:channelId/{*path}': {},
  'GET /api/recordings/:recordingId/hls': { op: 'recording:watch' },
  'GET /vod/:recordingId/{*path}': {},
};

let server: TestServer;
let admin: string;
let viewer: string;
let visitor: string;
let sessionId: string;
let comment: StandComment;
let stored: { stands: unknown; comments: unknown; vtt: string };

beforeAll(async () => {
  server = await startTestServer({ WORKERS: '1', TEST_PATTERNS: 'false', MT_APERTIUM_LANGUAGES: 'none' });
  admin = await server.access.mint({ role: 'admin' });
  viewer = await server.access.mint({ role: 'viewer' });
  visitor = server.access.issueVisitorId();
  // The session on air on the main channel now, which a desk's cue goes into.
  sessionId = server.agenda.sessionAt('main', Date.now())!.id;
  // What is stored before, to find again after.
  expect((await call('POST', '/api/stands', { token: admin, json: standWithStock('kept-stand', 5) })).status).toBe(201);
  comment = (await call('POST', '/api/stands/kept-stand/comments', { visitor: true, json: { author: 'Ann', text: 'Still here after the storm' } })).body as StandComment;
  const desk = await TestClient.connectAs(server, { role: 'captioner', channelId: 'main', languages: ['en'] });
  await desk.ok('captions:commit', { channelId: 'main', language: 'en', text: 'A cue kept through it all', startMs: Date.now() - 500, endMs: Date.now() + 2000 });
  desk.close();
  stored = await snapshot();
});

afterAll(async () => {
  await server?.close();
});

async function snapshot() {
  return {
    stands: (await call('GET', '/api/stands')).body,
    comments: (await call('GET', '/api/stands/kept-stand/comments')).body,
    vtt: (await call('GET', `/api/channels/main/sessions/${sessionId}/captions/en.vtt`)).text,
  };
}

/** Fills a route's path with ids that exist (or at least look right). */
function concrete(path: string): string {
  return path
    .replace(':studioId', 'london')
    .replace(':ingestId', 'no-such-ingest')
    .replace(':channelId', 'main')
    .replace(':sessionId', sessionId)
    .replace(':language', 'en')
    .replace(':standId', 'kept-stand')
    .replace(':commentId', comment?.id ?? 'x')
    .replace(':recordingId', 'no-such-recording')
    .replace(':rerunId', 'no-such-rerun')
    .replace(':filmId', 'no-such-film');
}

async function call(method: string, path: string, options: { token?: string; json?: unknown; raw?: string; type?: string; visitor?: boolean } = {}) {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.visitor) headers['x-visitor-id'] = visitor;
  let body: string | undefined;
  if (options.json !== undefined) body = JSON.stringify(options.json);
  if (options.raw !== undefined) body = options.raw;
  if (body !== undefined) headers['content-type'] = options.type ?? 'application/json';
  const res = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: { error?: { code: string } } | undefined;
  try {
    parsed = JSON.parse(text) as { error?: { code: string } };
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

/** The code of an answer: its error's, or 'ok' for a success. */
const codeOf = (answer: { status: number; body?: { error?: { code: string } } }) => (answer.status < 400 ? 'ok' : (answer.body?.error?.code ?? `HTTP ${answer.status} without a code`));

describe('every HTTP route', () => {
  it('is in the table of this suite (a new route must be added to it)', () => {
    const listed = server.routes.map((r) => `${r.method} ${r.path}`);
    expect(listed.filter((r) => !(r in ROUTES))).toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !listed.includes(r))).toEqual([]);
  });

  it('refuses a crew route without a token (UNAUTHORIZED) and with a viewer token (FORBIDDEN)', async () => {
    for (const route of server.routes) {
      const rule = ROUTES[`${route.method} ${route.path}`]!;
      if (!rule.op) continue;
      const what = `${route.method} ${route.path}`;
      expect(codeOf(await call(route.method, concrete(route.path))), what).toBe('UNAUTHORIZED');
      expect(codeOf(await call(route.method, concrete(route.path), { token: 'not.a.token' })), what).toBe('UNAUTHORIZED');
      // The operation table says who may; a viewer may none of these.
      expect(OPERATIONS[rule.op], what).not.toBe(EVERYONE);
      expect(codeOf(await call(route.method, concrete(route.path), { token: viewer })), what).toBe('FORBIDDEN');
    }
  });

  it('refuses wrong types, unknown fields and oversize bodies with INVALID_REQUEST, with the right token', async () => {
    const bodies: Array<[string, string]> = [
      ['an array', '[1,2,3]'],
      ['a number', '42'],
      ['a string', '"text"'],
      ['null', 'null'],
      ['an unknown field', '{"zzz":1}'],
      ['wrong types in known fields', '{"id":42,"label":[],"author":{},"text":true,"hidden":"yes","cues":"none","x":"left"}'],
      ['malformed JSON', '{"a":'],
      ['an oversize body', JSON.stringify({ text: 'x'.repeat(100_000) })],
    ];
    for (const route of server.routes) {
      const rule = ROUTES[`${route.method} ${route.path}`]!;
      if (rule.body !== 'json') continue;
      for (const [what, raw] of bodies) {
        const answer = await call(route.method, concrete(route.path), { token: rule.op ? admin : undefined, raw, visitor: rule.visitor });
        const expected = rule.badBody && !['malformed JSON', 'an oversize body', 'a number', 'a string', 'null'].includes(what) ? rule.badBody : 'INVALID_REQUEST';
        expect(codeOf(answer), `${route.method} ${route.path} with ${what}`).toBe(expected);
        expect([400, 409, 413], `${route.method} ${route.path} with ${what}`).toContain(answer.status);
      }
    }
    // Text and video bodies: not WebVTT, not a video.
    for (const route of server.routes) {
      const rule = ROUTES[`${route.method} ${route.path}`]!;
      if (rule.body === 'vtt') expect(codeOf(await call(route.method, concrete(route.path), { token: admin, raw: '{"not":"vtt"}', type: 'text/vtt' })), route.path).toMatch(/INVALID_REQUEST|NOT_FOUND/);
      if (rule.body === 'video') expect(codeOf(await call(route.method, concrete(route.path), { token: admin, raw: 'not a video', type: 'text/plain' })), route.path).toBe('INVALID_REQUEST');
    }
  });

  it('answers a flood on every route with codes, never a server error', { timeout: 120_000 }, async () => {
    const codes = new Map<string, number>();
    for (const route of server.routes) {
      const rule = ROUTES[`${route.method} ${route.path}`]!;
      const answers = await Promise.all(
        // Without a visitor id: a flood of gift claims would (rightly) give vouchers away.
        Array.from({ length: 30 }, () => call(route.method, concrete(route.path), { token: rule.op ? viewer : undefined, ...(rule.body === 'json' ? { raw: '{}' } : {}) })),
      );
      for (const answer of answers) {
        expect(answer.status, `${route.method} ${route.path}: ${answer.text.slice(0, 200)}`).toBeLessThan(500);
        codes.set(codeOf(answer), (codes.get(codeOf(answer)) ?? 0) + 1);
      }
    }
    // The limits answered some of it.
    expect(codes.get('RATE_LIMITED')).toBeGreaterThan(0);
    expect((await call('GET', '/health')).status).toBe(200);
  });
});

describe('every socket request', () => {
  const names = Object.keys(Requests) as RequestName[];

  it('has its entry in the operation table', () => {
    for (const name of names) expect(OPERATIONS[name], name).toBeDefined();
  });

  it('refuses what the caller may not ask with FORBIDDEN, before reading the payload', async () => {
    const anonymous = await TestClient.connect(server.url);
    const studio = await TestClient.connectAs(server, { role: 'studio', studioId: 'london' });
    try {
      for (const name of names) {
        const allowed = OPERATIONS[name] as readonly string[] | typeof EVERYONE;
        if (allowed !== EVERYONE && !allowed.includes('viewer')) expect(await anonymous.raw(name, 42), name).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
        if (allowed !== EVERYONE && !allowed.includes('studio')) expect(await studio.raw(name, { zzz: 1 }), name).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      }
    } finally {
      anonymous.close();
      studio.close();
    }
  });

  it('refuses wrong types, unknown fields and oversize values with INVALID_REQUEST, from a caller who may ask', async () => {
    const payloads: Array<[string, unknown]> = [
      ['a number', 42],
      ['a string', 'text'],
      ['null', null],
      ['an array', [1, 2]],
      ['an unknown field', { zzz: 1 }],
      ['wrong types in known fields', { channelId: 42, feedId: [], studioId: {}, text: true, standId: null, role: 7, link: 3, cues: 'x' }],
      ['an oversize value', { channelId: 'x'.repeat(60_000) }],
    ];
    for (const name of names) {
      // An admin may ask every request; one connection per request keeps under its rate limit.
      const client = await TestClient.connectAs(server, { role: 'admin' });
      try {
        for (const [what, payload] of payloads) expect(await client.raw(name, payload), `${name} with ${what}`).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      } finally {
        client.close();
      }
    }
  });

  it('answers a flood from one connection, part of it RATE_LIMITED, and keeps the connection', async () => {
    const flooder = await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION });
    try {
      const answers = await Promise.all(Array.from({ length: 400 }, (_, i) => flooder.raw(names[i % names.length]!, { zzz: i })));
      const codes = new Set(answers.map((a) => (a.ok ? 'ok' : a.error.code)));
      expect(codes.has('RATE_LIMITED')).toBe(true);
      expect([...codes].every((c) => ['RATE_LIMITED', 'INVALID_REQUEST', 'FORBIDDEN'].includes(c)), [...codes].join()).toBe(true);
      expect(flooder.socket.connected).toBe(true);
    } finally {
      flooder.close();
    }
  });
});

describe('afterwards', () => {
  it('is healthy and has lost nothing it stored', async () => {
    expect((await call('GET', '/health')).status).toBe(200);
    const after = await snapshot();
    expect(after.stands).toEqual(stored.stands);
    expect(after.comments).toEqual(stored.comments);
    expect(after.vtt).toBe(stored.vtt);
    expect(after.vtt).toContain('A cue kept through it all');
    expect((after.comments as StandComment[]).map((c) => c.text)).toContain('Still here after the storm');
  });
});
