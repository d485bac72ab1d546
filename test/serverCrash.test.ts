// kill -9 of the server in the middle of a burst of comments and gift claims: every write the
// server acknowledged is in the database afterwards, the database passes its integrity check, and
// the restarted server shows the comments and gives each visitor the same voucher again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { expect, it } from 'vitest';
import type { GiftVoucher, IssuedVisitorId, StandComment } from '@hybrid-stage/shared';
import { freePortRun } from './support/ports';
import { startServerProcess, startTestServer } from './support/server';

it('loses no acknowledged comment or gift when the server is killed during a burst of them', { timeout: 120_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-kill-'));
  const port = await freePortRun(1);
  // As many writes as the server takes: the per-address limits (one address here) are lifted.
  const unlimited = { VISITOR_IDS_PER_MINUTE: '100000', COMMENTS_PER_MINUTE: '100000', GIFT_CLAIMS_PER_MINUTE: '100000' };
  const { child, exited, output } = startServerProcess({ PORT: String(port), RTC_PORT: String(await freePortRun(1)), DATA_DIR: dataDir, TEST_PATTERNS: 'false', ...unlimited });
  const base = `http://127.0.0.1:${port}/api`;
  const comments: Array<StandComment & { visitorId: string }> = [];
  const gifts: Array<GiftVoucher & { visitorId: string }> = [];
  try {
    await expect.poll(output, { timeout: 30_000 }).toContain('Hybrid Stage is running');
    const stands = ((await (await fetch(`${base}/stands`)).json()) as Array<{ id: string }>).map((s) => s.id).slice(0, 6);
    expect(stands.length).toBe(6);

    // Visitors comment and claim gifts in parallel, as fast as the server answers, until it dies.
    let dead = false;
    const visitor = async (n: number) => {
      while (!dead) {
        const standId = stands[n % stands.length]!;
        try {
          // A new visitor each time, as the server issues them.
          const { visitorId } = (await (await fetch(`${base}/visitors`, { method: 'POST' })).json()) as IssuedVisitorId;
          const headers = { 'X-Visitor-Id': visitorId, 'Content-Type': 'application/json' };
          const posted = await fetch(`${base}/stands/${standId}/comments`, { method: 'POST', headers, body: JSON.stringify({ author: `Visitor ${n}`, text: `Comment from ${visitorId}` }) });
          if (posted.status === 201) comments.push({ ...((await posted.json()) as StandComment), visitorId });
          const claimed = await fetch(`${base}/stands/${standId}/gift`, { method: 'POST', headers });
          if (claimed.status === 201) gifts.push({ ...((await claimed.json()) as GiftVoucher), visitorId });
        } catch {
          return; // the connection died with the server; that write was not acknowledged
        }
      }
    };
    const burst = Array.from({ length: 16 }, (_, n) => visitor(n));
    await expect.poll(() => comments.length + gifts.length, { timeout: 30_000 }).toBeGreaterThan(150);
    child.kill('SIGKILL');
    dead = true;
    await exited;
    await Promise.all(burst);
    expect(comments.length).toBeGreaterThan(50);
    expect(gifts.length).toBeGreaterThan(50);

    // The file as the crash left it: intact, with every acknowledged row.
    const db = new BetterSqlite3(join(dataDir, 'hybrid-stage.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const commentIds = new Set(db.prepare('SELECT id FROM stand_comments').pluck().all() as string[]);
    expect(comments.filter((c) => !commentIds.has(c.id))).toEqual([]);
    const codes = new Map((db.prepare('SELECT visitor_id, code FROM stand_gifts').all() as Array<{ visitor_id: string; code: string }>).map((r) => [r.visitor_id, r.code]));
    expect(gifts.filter((g) => codes.get(g.visitorId) !== g.code)).toEqual([]);
    db.close();

    // And the restarted server serves them: the comments on their stands, the same voucher again.
    const restarted = await startTestServer({ DATA_DIR: dataDir, WORKERS: '1', TEST_PATTERNS: 'false' });
    try {
      const last = comments.at(-1)!;
      const shown = (await (await fetch(`${restarted.url}/api/stands/${last.standId}/comments`)).json()) as StandComment[];
      expect(shown.map((c) => c.id)).toContain(last.id);
      for (const gift of gifts.slice(-5)) {
        const again = await fetch(`${restarted.url}/api/stands/${gift.standId}/gift`, { method: 'POST', headers: { 'X-Visitor-Id': gift.visitorId } });
        expect(again.status).toBe(200);
        expect(((await again.json()) as GiftVoucher).code).toBe(gift.code);
      }
    } finally {
      await restarted.close();
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
