// The exhibition's API on the real server and database: gifts under concurrent claims, comments
// and their moderation, refusals with stable codes, presence counts and visit analytics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExhibitionAnalytics, GiftVoucher, StandComment, StandInfo } from '@hybrid-stage/shared';
import { startTestServer, TestClient, type TestServer } from './support/server';
import { standWithStock } from './support/stands';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  // 50 visitors claim at once from this one address (the limits have their own test, visitorLimits).
  server = await startTestServer({ WORKERS: '1', TEST_PATTERNS: 'false', GIFT_CLAIMS_PER_MINUTE: '1000' });
  admin = await server.access.mint({ role: 'admin' });
});

afterAll(async () => {
  await server?.close();
});

const issued = new Map<string, string>();
/** The server-issued visitor id standing for the test's visitor `name` (one per name). */
function visitorId(name: string): string {
  let id = issued.get(name);
  if (!id) issued.set(name, (id = server.access.issueVisitorId()));
  return id;
}

/** Calls the API; returns status and parsed body. A visitor named in plain letters, digits and dashes gets its issued id; any other is sent as it is. */
async function api(method: string, path: string, options: { body?: unknown; visitor?: string; token?: string; raw?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
  if (options.visitor) headers['x-visitor-id'] = /^[a-z0-9-]+$/.test(options.visitor) ? visitorId(options.visitor) : options.visitor;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(`${server.url}/api${path}`, { method, headers, body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('exhibition API', () => {
  it('seeds 24 demo stands with products, teams and gifts', async () => {
    const { status, body } = await api('GET', '/stands');
    expect(status).toBe(200);
    const stands = body as StandInfo[];
    expect(stands).toHaveLength(24);
    expect(new Set(stands.map((s) => s.region)).size).toBe(6);
    for (const s of stands) {
      expect(s.products.length).toBeGreaterThan(0);
      expect(s.team.length).toBeGreaterThan(0);
      expect(s.giftsLeft).toBe(s.gift.stock);
    }
  });

  it('gives exactly 10 gifts to 50 visitors claiming at once from a stock of 10', async () => {
    expect((await api('POST', '/stands', { body: standWithStock('ten-mugs', 10), token: admin })).status).toBe(201);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api('POST', '/stands/ten-mugs/gift', { visitor: `visitor-${String(i).padStart(4, '0')}` })),
    );
    const given = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(given).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const r of refused) expect(r.body.error.code).toBe('INVALID_STATE');
    expect(new Set(given.map((r) => (r.body as GiftVoucher).code)).size).toBe(10);
    expect((await api('GET', '/stands/ten-mugs')).body.giftsLeft).toBe(0);

    // A visitor who got one gets the same voucher again, even with the stock gone.
    const lucky = results.findIndex((r) => r.status === 201);
    const again = await api('POST', '/stands/ten-mugs/gift', { visitor: `visitor-${String(lucky).padStart(4, '0')}` });
    expect(again.status).toBe(200);
    expect(again.body.code).toBe(results[lucky]!.body.code);
  });

  it('refuses bad input with stable codes', async () => {
    const visitor = 'bad-input-visitor';
    const missing = await api('POST', '/stands/no-such-stand/gift', { visitor });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    // A path that tries to step out is refused before any route (see test/browser/badInput.test.ts).
    expect((await api('POST', '/stands/..%2F..%2Fetc/gift', { visitor })).body.error.code).toBe('INVALID_REQUEST');
    expect((await api('POST', '/stands/nordlicht-systems/gift', {})).body.error.code).toBe('INVALID_REQUEST');
    expect((await api('POST', '/stands/nordlicht-systems/gift', { visitor: 'x<y>' })).body.error.code).toBe('INVALID_REQUEST');

    const tooLong = await api('POST', '/stands/nordlicht-systems/comments', { visitor, body: { author: 'Eve', text: 'x'.repeat(1001) } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('INVALID_REQUEST');
    expect(tooLong.body.error.message).toMatch(/1000/);
    const longName = await api('POST', '/stands/nordlicht-systems/comments', { visitor, body: { author: 'E'.repeat(41), text: 'hi' } });
    expect(longName.body.error.code).toBe('INVALID_REQUEST');
    const extra = await api('POST', '/stands/nordlicht-systems/comments', { visitor, body: { author: 'Eve', text: 'hi', admin: true } });
    expect(extra.body.error.code).toBe('INVALID_REQUEST');
    const empty = await api('POST', '/stands/nordlicht-systems/comments', { visitor, body: { author: 'Eve', text: '   ' } });
    expect(empty.body.error.code).toBe('INVALID_REQUEST');
    const malformed = await api('POST', '/stands/nordlicht-systems/comments', { visitor, raw: '{"author":' });
    expect(malformed.body.error.code).toBe('INVALID_REQUEST');
    const noStand = await api('POST', '/stands/nowhere/comments', { visitor, body: { author: 'Eve', text: 'hi' } });
    expect(noStand.body.error.code).toBe('NOT_FOUND');

    // Markup is stored as written (the client renders it as text).
    const markup = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const posted = await api('POST', '/stands/nordlicht-systems/comments', { visitor, body: { author: '<b>Mallory</b>', text: markup } });
    expect(posted.status).toBe(201);
    expect((posted.body as StandComment).text).toBe(markup);

    // Stand content: no javascript: links, no unknown fields; only its exhibitor or an admin edits.
    const stand = (await api('GET', '/stands/nordlicht-systems')).body as StandInfo;
    const { id: _id, placement: _p, giftsLeft: _g, ...content } = stand;
    const exhibitor = await server.access.mint({ role: 'exhibitor', standId: 'nordlicht-systems' });
    const other = await server.access.mint({ role: 'exhibitor', standId: 'atlas-cloudworks' });
    const badLink = await api('PUT', '/stands/nordlicht-systems', { token: exhibitor, body: { ...content, links: [{ label: 'x', url: 'javascript:alert(1)' }] } });
    expect(badLink.body.error.code).toBe('INVALID_REQUEST');
    expect((await api('PUT', '/stands/nordlicht-systems', { token: other, body: content })).body.error.code).toBe('FORBIDDEN');
    expect((await api('PUT', '/stands/nordlicht-systems', { body: content })).body.error.code).toBe('UNAUTHORIZED');
    const edited = await api('PUT', '/stands/nordlicht-systems', { token: exhibitor, body: { ...content, tagline: 'Edited by the exhibitor' } });
    expect(edited.status).toBe(200);
    expect((await api('GET', '/stands/nordlicht-systems')).body.tagline).toBe('Edited by the exhibitor');
    expect((await api('POST', '/stands', { token: exhibitor, body: standWithStock('sneaky', 1) })).body.error.code).toBe('FORBIDDEN');
    expect((await api('PUT', '/stands/nordlicht-systems/placement', { token: exhibitor, body: { x: 0, z: 0, rotation: 0 } })).body.error.code).toBe('FORBIDDEN');
    expect((await api('PUT', '/stands/nordlicht-systems/placement', { token: admin, body: { x: 0, z: 0, rotation: 45 } })).body.error.code).toBe('INVALID_REQUEST');
    expect((await api('POST', '/stands', { token: admin, body: standWithStock('ten-mugs', 1) })).body.error.code).toBe('INVALID_STATE');
  });

  it('lets the exhibitor hide and delete comments, newest first for everyone', async () => {
    const visitor = 'comment-visitor-1';
    const first = (await api('POST', '/stands/atlas-cloudworks/comments', { visitor, body: { author: 'Ana', text: 'First!' } })).body as StandComment;
    const second = (await api('POST', '/stands/atlas-cloudworks/comments', { visitor, body: { author: 'Ben', text: 'Spam spam' } })).body as StandComment;
    const third = (await api('POST', '/stands/atlas-cloudworks/comments', { visitor, body: { author: 'Cy', text: 'Great demo' } })).body as StandComment;
    const list = async (token?: string) => ((await api('GET', '/stands/atlas-cloudworks/comments', { token })).body as StandComment[]).map((c) => c.text);
    expect(await list()).toEqual(['Great demo', 'Spam spam', 'First!']);

    const exhibitor = await server.access.mint({ role: 'exhibitor', standId: 'atlas-cloudworks' });
    const stranger = await server.access.mint({ role: 'exhibitor', standId: 'nordlicht-systems' });
    expect((await api('PATCH', `/stands/atlas-cloudworks/comments/${second.id}`, { token: stranger, body: { hidden: true } })).body.error.code).toBe('FORBIDDEN');
    expect((await api('PATCH', `/stands/atlas-cloudworks/comments/${second.id}`, { body: { hidden: true } })).body.error.code).toBe('UNAUTHORIZED');
    expect((await api('PATCH', `/stands/atlas-cloudworks/comments/${second.id}`, { token: exhibitor, body: { hidden: true } })).body.hidden).toBe(true);
    expect(await list()).toEqual(['Great demo', 'First!']);
    expect(await list(exhibitor)).toEqual(['Great demo', 'Spam spam', 'First!']);
    expect((await api('DELETE', `/stands/atlas-cloudworks/comments/${first.id}`, { token: admin })).status).toBe(204);
    expect(await list(exhibitor)).toEqual(['Great demo', 'Spam spam']);
    expect((await api('DELETE', `/stands/atlas-cloudworks/comments/${first.id}`, { token: admin })).body.error.code).toBe('NOT_FOUND');
    // A comment id of another stand is not found through this one.
    expect((await api('DELETE', `/stands/nordlicht-systems/comments/${third.id}`, { token: admin })).body.error.code).toBe('NOT_FOUND');
  });

  it('counts visitors at a stand over sockets and reports visits, dwell, comments and gifts', async () => {
    const watcher = await TestClient.connect(server.url);
    const a = await TestClient.connect(server.url);
    const b = await TestClient.connect(server.url);
    try {
      await watcher.ok('exhibition:enter', {});
      const two = watcher.next('exhibition:presence', (counts) => counts['sakura-robotics'] === 2);
      await a.ok('stand:join', { standId: 'sakura-robotics', visitorId: visitorId('presence-visitor-a') });
      await b.ok('stand:join', { standId: 'sakura-robotics', visitorId: visitorId('presence-visitor-b') });
      await two;
      expect((await a.request('stand:join', { standId: 'nowhere', visitorId: visitorId('presence-visitor-a') })).ok).toBe(false);
      expect((await a.raw('stand:join', { standId: 'sakura-robotics', visitorId: visitorId('presence-visitor-a'), extra: 1 })) as unknown).toMatchObject({
        ok: false,
        error: { code: 'INVALID_REQUEST' },
      });
      await new Promise((r) => setTimeout(r, 300));
      const one = watcher.next('exhibition:presence', (counts) => counts['sakura-robotics'] === 1);
      b.close();
      await one;
      await a.ok('stand:leave', {});
      await watcher.next('exhibition:presence', (counts) => counts['sakura-robotics'] === undefined);
    } finally {
      a.close();
      b.close();
      watcher.close();
    }
    await api('POST', '/stands/sakura-robotics/gift', { visitor: 'presence-visitor-a' });
    await api('POST', '/stands/sakura-robotics/comments', { visitor: 'presence-visitor-a', body: { author: 'A', text: 'Nice robots' } });

    const exhibitor = await server.access.mint({ role: 'exhibitor', standId: 'sakura-robotics' });
    const own = (await api('GET', '/exhibition/analytics', { token: exhibitor })).body as ExhibitionAnalytics;
    expect(own.stands.map((s) => s.standId)).toEqual(['sakura-robotics']);
    const sakura = own.stands[0]!;
    expect(sakura).toMatchObject({ visits: 2, visitors: 2, comments: 1, giftsClaimed: 1, region: 'asia-pacific' });
    expect(sakura.dwellMs).toBeGreaterThanOrEqual(300);
    expect(own.regions.find((r) => r.region === 'asia-pacific')).toMatchObject({ visits: 2, visitors: 2, giftsClaimed: 1 });

    const all = (await api('GET', '/exhibition/analytics', { token: admin })).body as ExhibitionAnalytics;
    expect(all.stands).toHaveLength(25);
    expect(all.stands.find((s) => s.standId === 'ten-mugs')?.giftsClaimed).toBe(10);
    expect((await api('GET', '/exhibition/analytics')).body.error.code).toBe('UNAUTHORIZED');
    expect((await api('GET', '/exhibition/analytics', { token: await server.access.mint({ role: 'producer' }) })).body.error.code).toBe('FORBIDDEN');
  });
});
