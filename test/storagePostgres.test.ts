// The server on PostgreSQL (DATABASE_URL): what it acknowledged is still there after the server and
// PostgreSQL restart, and a write while PostgreSQL is down is refused, then works once it is back.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StandInfo } from '@hybrid-stage/shared';
import { sql } from 'kysely';
import { Database } from '../server/src/persistence/Database';
import { createLogger } from '../server/src/logger';
import { TestPostgres } from './support/postgres';
import { TestRedis } from './support/redis';
import { startTestServer, type TestServer } from './support/server';

let postgres: TestPostgres;
let env: Record<string, string>;
const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-pg-server-'));

beforeAll(async () => {
  postgres = await TestPostgres.start();
  env = { DATABASE_URL: await postgres.createDatabase(), DATA_DIR: dataDir, WORKERS: '1' };
});
afterAll(async () => {
  await postgres?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A visitor as the server issues them; the signing key is in DATA_DIR, so it holds across restarts. */
const visitor = (server: TestServer) => ({ 'Content-Type': 'application/json', 'X-Visitor-Id': server.access.issueVisitorId() });

async function postComment(server: TestServer, standId: string, text: string): Promise<{ status: number; body: { error?: { code: string } } }> {
  const res = await fetch(`${server.url}/api/stands/${standId}/comments`, { method: 'POST', headers: visitor(server), body: JSON.stringify({ author: 'Ann', text }) });
  return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
}

async function ingestCue(server: TestServer, id: string, text: string): Promise<{ status: number; body: { results?: { cueId: string }[]; error?: { code: string } } }> {
  const token = await server.access.mint({ role: 'captioner', channelId: 'main', languages: ['en'] });
  const now = Date.now();
  const res = await fetch(`${server.url}/api/channels/main/captions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ cues: [{ id, language: 'en', startMs: now, endMs: now + 2000, text }] }),
  });
  return { status: res.status, body: (await res.json()) as { results?: { cueId: string }[]; error?: { code: string } } };
}

it('keeps a comment and a caption cue across a restart of the server and of PostgreSQL', async () => {
  let standId: string;
  let cueId: string;
  const first = await startTestServer(env);
  try {
    const stands = (await (await fetch(`${first.url}/api/stands`)).json()) as StandInfo[];
    expect(stands).toHaveLength(24); // the demo seeded into PostgreSQL
    standId = stands[0]!.id;
    expect((await postComment(first, standId, 'Kept in PostgreSQL.')).status).toBe(201);
    const ingested = await ingestCue(first, 'provider-1', 'A cue that lasts.');
    expect(ingested.status).toBe(200);
    cueId = ingested.body.results![0]!.cueId;
  } finally {
    await first.close();
  }
  // Nothing went to a SQLite file: the data is in PostgreSQL only.
  expect(existsSync(join(dataDir, 'hybrid-stage.db'))).toBe(false);
  await postgres.restart();

  const second = await startTestServer(env);
  try {
    const comments = (await (await fetch(`${second.url}/api/stands/${standId}/comments`)).json()) as { text: string }[];
    expect(comments.map((c) => c.text)).toContain('Kept in PostgreSQL.');
    expect(await second.captions.get(cueId)).toMatchObject({ text: 'A cue that lasts.', revision: 1, providerCueId: 'provider-1' });
    // The stands were not seeded a second time.
    expect(await second.exhibition.stands.list()).toHaveLength(24);
  } finally {
    await second.close();
  }
});

it('refuses a write while PostgreSQL is down, and takes it once PostgreSQL is back, without a server restart', async () => {
  const server = await startTestServer(env);
  try {
    const standId = (await server.exhibition.stands.list())[0]!.id;
    expect((await postComment(server, standId, 'Before the outage.')).status).toBe(201);

    await postgres.stopServer();
    // Not acknowledged: the caller is told it failed, with the code of any server fault.
    const refused = await postComment(server, standId, 'During the outage.');
    expect(refused).toMatchObject({ status: 500, body: { error: { code: 'INTERNAL' } } });
    expect((await ingestCue(server, 'provider-down', 'Lost?')).status).toBe(500);

    await postgres.startServer();
    // The pool connects again on the next query.
    expect((await postComment(server, standId, 'After the outage.')).status).toBe(201);
    const ingested = await ingestCue(server, 'provider-down', 'Stored once back.');
    expect(ingested.status).toBe(200);
    const texts = ((await (await fetch(`${server.url}/api/stands/${standId}/comments`)).json()) as { text: string }[]).map((c) => c.text);
    expect(texts).toEqual(expect.arrayContaining(['Before the outage.', 'After the outage.']));
    expect(texts).not.toContain('During the outage.');
  } finally {
    await server.close();
  }
});

it('fails a transaction cut short by PostgreSQL stopping to its caller, and the process lives on', async () => {
  const database = await Database.open({ engine: 'postgres', url: env.DATABASE_URL! }, createLogger('silent'));
  try {
    // A transaction holds its connection between queries (as a store's read-then-write does); the
    // server goes meanwhile (a fast shutdown cuts it). Without a listener on the client the pool
    // lent out, pg's error event on it would end this test process.
    const cut = database.db
      .transaction()
      .execute(async (trx) => {
        await sql`SELECT 1`.execute(trx);
        await postgres.stopServer();
        await new Promise((r) => setTimeout(r, 200));
        await sql`SELECT 2`.execute(trx);
        return 'finished';
      })
      .catch((error: Error) => error.message);
    expect(await cut).not.toBe('finished');
    await postgres.startServer();
    expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(database.db)).rows).toEqual([{ one: 1 }]);
  } finally {
    await postgres.startServer();
    await database.close();
  }
});

it("leaves the origin's live recording alone when an edge starts on the same PostgreSQL", async () => {
  // A cluster: an edge needs the cluster's Redis.
  const redis = await TestRedis.start();
  const origin = await startTestServer({ ...env, REDIS_URL: redis.url });
  const edgeDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-pg-edge-'));
  try {
    const recording = await origin.recordings.start('main');
    // An edge: its own DATA_DIR (the origin's file is not there) and media ports, the same database.
    const edge = await startTestServer({ ...env, REDIS_URL: redis.url, DATA_DIR: edgeDir, NODE_ROLE: 'edge', MEDIA_PORT_RANGE: '18000-18499' });
    await edge.close();
    // Without the role check, the edge took the row for a crash's leftover and stored it as failed.
    const stored = (await origin.recordings.list()).find((r) => r.id === recording.id);
    expect(stored?.status).toBe('recording');
  } finally {
    await origin.close();
    await redis.close();
    rmSync(edgeDir, { recursive: true, force: true });
  }
});
