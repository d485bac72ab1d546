// Issue 22 item 7: exhibition visitors as the server issued them, and limits on what one address
// or one visitor writes. A made-up visitor id claims nothing, comments nothing and counts no visit;
// one address cannot drain a stand's vouchers, flood its comments or inflate its visits, and one
// visitor cannot either by moving between addresses. TRUST_PROXY=loopback lets the test speak from
// many addresses through X-Forwarded-For, as viewers behind a proxy do.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUED_VISITOR_ID, PROTOCOL_VERSION, type ExhibitionAnalytics, type StandInfo } from '@hybrid-stage/shared';
import { startTestServer, TestClient, type TestServer } from './support/server';
import { standWithStock } from './support/stands';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({
    WORKERS: '1',
    TEST_PATTERNS: 'false',
    TRUST_PROXY: 'loopback',
    VISITOR_IDS_PER_MINUTE: '3',
    COMMENTS_PER_MINUTE: '4',
    GIFT_CLAIMS_PER_MINUTE: '6',
    STAND_VISITS_PER_MINUTE: '5',
  });
  admin = await server.access.mint({ role: 'admin' });
  for (const id of ['limit-mugs', 'limit-comments', 'forged-gifts']) {
    expect((await api('POST', '/stands', { body: standWithStock(id, 100), token: admin })).status).toBe(201);
  }
});

afterAll(async () => {
  await server?.close();
});

/** Calls the API from `from` (an X-Forwarded-For address); returns status and parsed body. */
async function api(method: string, path: string, options: { body?: unknown; visitor?: string; token?: string; from?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.visitor) headers['x-visitor-id'] = options.visitor;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.from) headers['x-forwarded-for'] = options.from;
  const res = await fetch(`${server.url}/api${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const giftsLeft = async (standId: string) => ((await api('GET', `/stands/${standId}`)).body as StandInfo).giftsLeft;
const figuresOf = async (standId: string) => ((await api('GET', '/exhibition/analytics', { token: admin })).body as ExhibitionAnalytics).stands.find((s) => s.standId === standId)!;

describe('exhibition visitors', () => {
  it('issues signed visitor ids, at most VISITOR_IDS_PER_MINUTE to one address', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const issued = await api('POST', '/visitors', { from: '203.0.113.10' });
      expect(issued.status).toBe(201);
      expect(issued.body.visitorId).toMatch(ISSUED_VISITOR_ID);
      ids.push(issued.body.visitorId as string);
    }
    expect(new Set(ids).size).toBe(3);
    expect(await api('POST', '/visitors', { from: '203.0.113.10' })).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    // Another address has its own allowance; an IPv6 address counts by its /64.
    expect((await api('POST', '/visitors', { from: '203.0.113.11' })).status).toBe(201);
    for (let i = 1; i <= 3; i++) expect((await api('POST', '/visitors', { from: `2001:db8:1:2::${i}` })).status).toBe(201);
    expect((await api('POST', '/visitors', { from: '2001:db8:1:2:ffff::9' })).body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    // An id is an empty POST: anything in its body is refused.
    expect((await api('POST', '/visitors', { from: '203.0.113.12', body: { visitorId: 'mine' } })).body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  });

  it('refuses visitor ids the server did not issue: no voucher, comment or visit for them', async () => {
    const signed = server.access.issueVisitorId();
    const madeUp = ['visitor-0001', `${randomBytes(12).toString('base64url')}.${randomBytes(16).toString('base64url')}`, `${signed.slice(0, 16)}.${'A'.repeat(22)}`];
    for (const [n, visitor] of madeUp.entries()) {
      const from = `198.51.100.${n + 1}`;
      expect(await api('POST', '/stands/forged-gifts/gift', { visitor, from })).toMatchObject({ status: 401, body: { error: { code: 'INVALID_VISITOR' } } });
      expect(await api('GET', '/stands/forged-gifts/gift', { visitor, from })).toMatchObject({ status: 401, body: { error: { code: 'INVALID_VISITOR' } } });
      expect((await api('POST', '/stands/forged-gifts/comments', { visitor, from, body: { author: 'Eve', text: 'spam' } })).body).toMatchObject({ error: { code: 'INVALID_VISITOR' } });
      const socket = await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION }, { 'x-forwarded-for': from });
      expect(await socket.request('stand:join', { standId: 'forged-gifts', visitorId: visitor })).toMatchObject({ ok: false, error: { code: 'INVALID_VISITOR' } });
      socket.close();
    }
    expect(await giftsLeft('forged-gifts')).toBe(100);
    expect((await api('GET', '/stands/forged-gifts/comments')).body).toEqual([]);
    expect(await figuresOf('forged-gifts')).toMatchObject({ visits: 0, visitors: 0, comments: 0, giftsClaimed: 0 });
    // The signed id itself works.
    expect((await api('POST', '/stands/forged-gifts/gift', { visitor: signed, from: '198.51.100.9' })).status).toBe(201);
  });

  it("lets one address claim GIFT_CLAIMS_PER_MINUTE of a stand's vouchers, however many visitor ids it holds", async () => {
    // Ids gathered over many minutes (or from many addresses), spent from one.
    const ids = Array.from({ length: 12 }, () => server.access.issueVisitorId());
    const answers = [];
    for (const visitor of ids) answers.push(await api('POST', '/stands/limit-mugs/gift', { visitor, from: '192.0.2.50' }));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(6);
    for (const refused of answers.slice(6)) expect(refused).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    expect(await giftsLeft('limit-mugs')).toBe(94);
    // A visitor from another address is not held up by the flood.
    expect((await api('POST', '/stands/limit-mugs/gift', { visitor: server.access.issueVisitorId(), from: '192.0.2.51' })).status).toBe(201);
    // A visitor who got a voucher still reads it (reading is not limited).
    expect((await api('GET', '/stands/limit-mugs/gift', { visitor: ids[0], from: '192.0.2.50' })).status).toBe(200);
  });

  it('limits comments per address and per visitor, whichever runs out first', async () => {
    const before = ((await api('GET', '/stands/limit-comments/comments')).body as unknown[]).length;
    // One address, a new visitor id for each comment: COMMENTS_PER_MINUTE (4) pass.
    const fromOne = [];
    for (let i = 0; i < 6; i++) {
      fromOne.push((await api('POST', '/stands/limit-comments/comments', { visitor: server.access.issueVisitorId(), from: '192.0.2.60', body: { author: 'A', text: `one address ${i}` } })).status);
    }
    expect(fromOne).toEqual([201, 201, 201, 201, 429, 429]);
    // One visitor moving between addresses: 5 a minute pass.
    const visitor = server.access.issueVisitorId();
    const fromMany = [];
    for (let i = 0; i < 7; i++) {
      fromMany.push((await api('POST', '/stands/limit-comments/comments', { visitor, from: `192.0.2.${70 + i}`, body: { author: 'B', text: `one visitor ${i}` } })).status);
    }
    expect(fromMany).toEqual([201, 201, 201, 201, 201, 429, 429]);
    expect((await api('GET', '/stands/limit-comments/comments')).body).toHaveLength(before + 9);
  });

  it('counts at most STAND_VISITS_PER_MINUTE stand visits from one address over sockets', async () => {
    const stands = ((await api('GET', '/stands')).body as StandInfo[]).slice(0, 8).map((s) => s.id);
    const before = new Map(await Promise.all(stands.map(async (id) => [id, (await figuresOf(id)).visits] as const)));
    const socket = await TestClient.connect(server.url, { protocolVersion: PROTOCOL_VERSION }, { 'x-forwarded-for': '192.0.2.90' });
    const codes = [];
    // A visitor hopping from stand to stand, each hop under a fresh id.
    for (const standId of stands) {
      const answer = await socket.request('stand:join', { standId, visitorId: server.access.issueVisitorId() });
      codes.push(answer.ok ? 'ok' : answer.error.code);
    }
    expect(codes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    await socket.ok('stand:leave', {});
    socket.close();
    await expect
      .poll(async () => (await Promise.all(stands.map(async (id) => (await figuresOf(id)).visits - before.get(id)!))).reduce((a, b) => a + b, 0))
      .toBe(5);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
