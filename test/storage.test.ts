// The stores' contract, run against both engines: a SQLite file (the embedded default) and a real
// PostgreSQL 15 (the cluster's), each store's operations, limits and error codes the same in both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RevocationList } from '../server/src/access/RevocationList';
import { CaptionStore, type StoredCue } from '../server/src/captions/CaptionStore';
import { AppError, StartupError } from '../server/src/errors';
import { CommentStore } from '../server/src/exhibition/CommentStore';
import { GiftLedger } from '../server/src/exhibition/GiftLedger';
import { StandStore } from '../server/src/exhibition/StandStore';
import { VisitLog } from '../server/src/exhibition/VisitLog';
import { IngestStore } from '../server/src/ingest/IngestStore';
import { createLogger } from '../server/src/logger';
import { Database, type Engine, type StorageTarget } from '../server/src/persistence/Database';
import { ChannelHistoryStore } from '../server/src/program/ChannelHistoryStore';
import { MIGRATIONS } from '../server/src/persistence/migrations';
import { RecordingStore, type StoredRecording } from '../server/src/recording/RecordingStore';
import { RegistrationStore } from '../server/src/registration/RegistrationStore';
import { ReRunStore, type StoredReRun } from '../server/src/reruns/ReRunStore';
import { TestPostgres } from './support/postgres';
import { standWithStock } from './support/stands';

const logger = createLogger('silent');
const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-storage-'));
let postgres: TestPostgres;
let files = 0;

beforeAll(async () => {
  postgres = await TestPostgres.start();
});
afterAll(async () => {
  await postgres?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A new empty database of the engine: a new SQLite file, or a new PostgreSQL database. */
async function freshTarget(engine: Engine): Promise<StorageTarget> {
  return engine === 'sqlite' ? { engine, file: join(dir, `store-${++files}.db`) } : { engine, url: await postgres.createDatabase() };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
  return 'resolved';
}

const cue = (over: Partial<StoredCue> = {}): StoredCue => ({
  id: 'cue-1',
  revision: 1,
  channelId: 'main',
  sessionId: 'keynote',
  language: 'en',
  startMs: 1_700_000_000_000,
  endMs: 1_700_000_002_000,
  text: 'Welcome.',
  source: 'desk',
  status: 'live',
  translatedFrom: null,
  author: 'captioner',
  providerCueId: null,
  ...over,
});

const recording = (over: Partial<StoredRecording> = {}): StoredRecording => ({
  id: 'rec-1',
  channelId: 'main',
  sessionId: 'keynote',
  file: 'rec-1.webm',
  startedAtMs: 1_700_000_000_000,
  endedAtMs: null,
  durationMs: null,
  status: 'recording',
  trigger: 'session',
  ...over,
});

it('stops a start whose PostgreSQL cannot be reached, naming DATABASE_URL without its password', async () => {
  const closed = `postgres://hybrid:secret@127.0.0.1:${postgres.port + 1}/none`;
  const error = await Database.open({ engine: 'postgres', url: closed }, logger).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StartupError);
  expect(String((error as Error).message)).toMatch(/^cannot open the PostgreSQL database of DATABASE_URL \(postgres:\/\/hybrid:\*\*\*@127\.0\.0\.1:\d+\/none\)/);
  expect(String((error as Error).message)).not.toContain('secret');
});

describe.each(['sqlite', 'postgres'] as const)('stores on %s', (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await Database.open(await freshTarget(engine), logger);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('opens an up-to-date database again without migrating it twice, also from two starters at once', async () => {
    const target = await freshTarget(engine);
    // An origin and a standby starting together on an empty database.
    const [a, b] = await Promise.all([Database.open(target, logger), Database.open(target, logger)]);
    await new StandStore(a).add(standWithStock('twice', 1));
    await Promise.all([a.close(), b.close()]);
    const again = await Database.open(target, logger);
    expect(await new StandStore(again).list()).toHaveLength(1);
    if (engine === 'postgres') {
      const { rows } = await sqlRows(again, 'SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((_, i) => i + 1));
    }
    await again.close();
    await again.close(); // idempotent
  });

  it('captions: stores revisions and finds the newest, by id, provider, translation, time and session', async () => {
    const store = new CaptionStore(db);
    const base = cue().startMs;
    await store.insert(cue({ providerCueId: 'p-1' }));
    await store.insert(cue({ revision: 2, text: 'Welcome, everyone.', providerCueId: 'p-1' }));
    await store.insert(cue({ id: 'cue-2', startMs: base + 3_000, endMs: base + 5_000, text: 'Second.' }));
    await store.insert(cue({ id: 'draft-1', language: 'es', status: 'draft', source: 'machine', translatedFrom: 'cue-1', text: 'Bienvenidos.' }));
    await store.insert(cue({ id: 'other', channelId: 'europe', sessionId: null }));

    expect(await store.count()).toBe(5);
    expect(await store.get('cue-1')).toEqual(cue({ revision: 2, text: 'Welcome, everyone.', providerCueId: 'p-1' }));
    expect(await store.get('none')).toBeUndefined();
    expect((await store.byProvider('main', 'en', 'p-1'))?.revision).toBe(2);
    expect((await store.translationOf('cue-1', 'es'))?.text).toBe('Bienvenidos.');
    // Newest revisions only, live only, oldest first, the last `limit`.
    expect((await store.recent('main', 'en', base, 10)).map((c) => [c.id, c.revision])).toEqual([['cue-1', 2], ['cue-2', 1]]);
    expect((await store.recent('main', 'en', base, 1)).map((c) => c.id)).toEqual(['cue-2']);
    expect((await store.recent('main', 'en', base + 1, 10)).map((c) => c.id)).toEqual(['cue-2']);
    expect((await store.drafts('main', 'es', base)).map((c) => c.id)).toEqual(['draft-1']);
    expect((await store.session('keynote', 'en')).map((c) => c.text)).toEqual(['Welcome, everyone.', 'Second.']);
    expect((await store.between('main', base, base + 3_000)).map((c) => c.id)).toEqual(['cue-1']);
    // A revision stored twice is refused by the database, not silently overwritten.
    expect(await codeOf(store.insert(cue({ revision: 2 })))).toMatch(/^not an AppError/);
  });

  it('captions: two revisions of one cue at once take turns on its lock, each numbered after the other', async () => {
    const store = new CaptionStore(db);
    await store.insert(cue({ id: 'contested', text: 'First.' }));
    const revise = (text: string) =>
      store.transaction('cue:contested', async (tx) => {
        const current = (await tx.get('contested'))!;
        await new Promise((r) => setTimeout(r, 20)); // both read before either writes, were they not taking turns
        await tx.insert({ ...current, revision: current.revision + 1, text });
        return current.revision + 1;
      });
    expect((await Promise.all([revise('Second.'), revise('Third.')])).sort()).toEqual([2, 3]);
    expect((await store.get('contested'))?.revision).toBe(3);
  });

  it("captions: a caption file's cues are stored together, past one statement's batch", async () => {
    const store = new CaptionStore(db);
    const before = await store.count();
    const base = cue().startMs;
    const file = Array.from({ length: 1_201 }, (_, i) => cue({ id: `file-${i}`, sessionId: 'filed', startMs: base + i * 1_000, endMs: base + i * 1_000 + 900, text: `Line ${i}.` }));
    await store.insert(file);
    expect(await store.count()).toBe(before + 1_201);
    const stored = await store.session('filed', 'en');
    expect(stored).toHaveLength(1_201);
    expect(stored.at(-1)?.text).toBe('Line 1200.');
  });

  it('captions: a transaction that fails stores none of its cues', async () => {
    const store = new CaptionStore(db);
    const before = await store.count();
    await expect(
      store.transaction('main', async (tx) => {
        await tx.insert(cue({ id: 'batch-1' }));
        await tx.insert(cue({ id: 'batch-2' }));
        throw new AppError('INVALID_REQUEST', 'half-way');
      }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await store.count()).toBe(before);
    expect(await store.get('batch-1')).toBeUndefined();
  });

  it('stands: adds, finds, edits and places; INVALID_STATE for a taken id, NOT_FOUND for none', async () => {
    const stands = new StandStore(db);
    const added = await stands.add(standWithStock('nova', 3));
    expect(added).toMatchObject({ id: 'nova', exhibitor: 'Test Exhibitor', giftsLeft: 3, placement: { x: 0, z: 30, rotation: 270 } });
    expect(await stands.has('nova')).toBe(true);
    expect(await stands.has('none')).toBe(false);
    expect(await codeOf(stands.add(standWithStock('nova', 1)))).toBe('INVALID_STATE');
    expect(await codeOf(stands.get('none'))).toBe('NOT_FOUND');
    const content = { ...standWithStock('nova', 5).content, tagline: 'Edited' };
    expect(await stands.updateContent('nova', content)).toMatchObject({ tagline: 'Edited', giftsLeft: 5 });
    expect(await stands.place('nova', { x: -12.5, z: 4.25, rotation: 90 })).toMatchObject({ placement: { x: -12.5, z: 4.25, rotation: 90 } });
    expect(await codeOf(stands.updateContent('none', content))).toBe('NOT_FOUND');
    expect(await codeOf(stands.place('none', { x: 0, z: 0, rotation: 0 }))).toBe('NOT_FOUND');
    // A batch with a taken id adds none of its stands.
    expect(await codeOf(stands.addAll([standWithStock('batch-a', 1), standWithStock('nova', 1)]))).toBe('INVALID_STATE');
    expect(await stands.has('batch-a')).toBe(false);
    await stands.addAll([standWithStock('batch-a', 1), standWithStock('batch-b', 1)]);
    expect((await stands.list()).map((s) => s.id)).toEqual(expect.arrayContaining(['nova', 'batch-a', 'batch-b']));
  });

  it('comments: newest first (also within one millisecond), hidden for moderators only, deleted for good', async () => {
    const stands = new StandStore(db);
    const comments = new CommentStore(db);
    await stands.add(standWithStock('talk', 1));
    const written: string[] = [];
    for (let i = 0; i < 105; i++) written.push((await comments.post('talk', 'visitor-1', { author: 'Ann', text: `<b>comment ${i}</b>` })).id);
    const listed = await comments.list('talk', false);
    // One page of 100, the last written first; markup is stored as written.
    expect(listed).toHaveLength(100);
    expect(listed.map((c) => c.id)).toEqual(written.slice(-100).reverse());
    expect(listed[0]).toMatchObject({ standId: 'talk', author: 'Ann', text: '<b>comment 104</b>', hidden: false });
    const hidden = await comments.setHidden('talk', written[104]!, true);
    expect(hidden.hidden).toBe(true);
    expect((await comments.list('talk', false))[0]!.id).toBe(written[103]);
    expect((await comments.list('talk', true))[0]).toMatchObject({ id: written[104], hidden: true });
    expect((await comments.setHidden('talk', written[104]!, false)).hidden).toBe(false);
    await comments.delete('talk', written[104]!);
    expect((await comments.list('talk', true))[0]!.id).toBe(written[103]);
    expect(await codeOf(comments.delete('talk', written[104]!))).toBe('NOT_FOUND');
    expect(await codeOf(comments.setHidden('nova', written[103]!, true))).toBe('NOT_FOUND'); // another stand's comment
  });

  it('gifts: one voucher per visitor, never more than the stock, even when claimed all at once', async () => {
    const stands = new StandStore(db);
    const gifts = new GiftLedger(db, stands);
    await stands.add(standWithStock('mugs', 10));
    const first = await gifts.claim('mugs', 'visitor-a');
    expect(first.fresh).toBe(true);
    expect(first.voucher).toMatchObject({ standId: 'mugs', title: 'Test mug', code: expect.stringMatching(/^MUGS-[A-Z2-9]{4}-[A-Z2-9]{4}$/) });
    expect(await gifts.claim('mugs', 'visitor-a')).toEqual({ voucher: first.voucher, fresh: false });
    expect(await gifts.find('mugs', 'visitor-a')).toEqual(first.voucher);
    expect(await gifts.find('mugs', 'visitor-b')).toBeUndefined();
    expect(await codeOf(gifts.claim('none', 'visitor-a'))).toBe('NOT_FOUND');
    expect(await codeOf(gifts.find('none', 'visitor-a'))).toBe('NOT_FOUND');
    // 40 visitors at once for the 9 left (on PostgreSQL over a pool of connections, truly at once).
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => gifts.claim('mugs', `crowd-${i}`)));
    const given = results.filter((r) => r.status === 'fulfilled');
    expect(given).toHaveLength(9);
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r.reason as AppError).code);
    expect(refused).toEqual(Array(31).fill('INVALID_STATE'));
    expect((await stands.get('mugs')).giftsLeft).toBe(0);
  });

  it('visits: dwell is recorded and capped, open visits are closed at start, analytics add up per stand and region', async () => {
    const stands = new StandStore(db);
    const visits = new VisitLog(db, stands);
    await stands.add(standWithStock('visited', 1));
    const t0 = Date.now() - 3_600_000;
    const short = await visits.start('visited', 'v-1', t0);
    await visits.end(short, t0 + 5_000);
    await visits.end(short, t0 + 50_000); // a second end changes nothing
    const long = await visits.start('visited', 'v-2', t0);
    await visits.end(long, t0 + 3_600_000); // a tab left open: counted as 30 minutes
    await visits.start('visited', 'v-1', t0); // left open by a stop
    // The same visitor at another stand of the region: one visitor of the region, not two.
    await stands.add(standWithStock('visited-too', 1));
    await visits.end(await visits.start('visited-too', 'v-1', t0), t0 + 2_000);
    await visits.endOpenVisits();
    const analytics = await visits.analytics(new Set(['visited']));
    expect(analytics.stands).toEqual([
      expect.objectContaining({ standId: 'visited', visits: 3, visitors: 2, dwellMs: 5_000 + 30 * 60_000, comments: 0, giftsClaimed: 0 }),
    ]);
    // Both stands are in Europe, and no other test's stand has visits.
    expect(analytics.regions.find((r) => r.region === 'europe')).toMatchObject({ visits: 4, visitors: 2, dwellMs: 5_000 + 30 * 60_000 + 2_000 });
  });

  it('recordings and re-runs: stored, finished, found playable; a re-run outlives its recording; overlaps are found', async () => {
    const recordings = new RecordingStore(db);
    const reruns = new ReRunStore(db);
    await recordings.insert(recording());
    expect((await recordings.unfinished()).map((r) => r.id)).toEqual(['rec-1']);
    expect(await recordings.playable('keynote')).toBeUndefined();
    await recordings.finish('rec-1', 'done', 1_700_000_010_000, 10_000);
    expect(await recordings.get('rec-1')).toEqual(recording({ status: 'done', endedAtMs: 1_700_000_010_000, durationMs: 10_000 }));
    expect(await recordings.unfinished()).toEqual([]);
    await recordings.insert(recording({ id: 'rec-2', startedAtMs: 1_700_000_020_000, status: 'failed' }));
    expect((await recordings.playable('keynote'))?.id).toBe('rec-1');
    expect((await recordings.all()).map((r) => r.id)).toEqual(['rec-2', 'rec-1']);

    const rerun: StoredReRun = {
      id: 'rr-1', sessionId: 'keynote', channelId: 'europe', recordingId: 'rec-1', startsAtMs: 2_000_000_000_000, endsAtMs: 2_000_000_010_000,
      region: 'Americas', status: 'scheduled', playedFromMs: null,
    };
    await reruns.save(rerun);
    await reruns.save({ ...rerun, region: 'Asia' }); // an update, not a second row
    expect(await reruns.all()).toEqual([{ ...rerun, region: 'Asia' }]);
    expect((await reruns.overlapping('europe', 2_000_000_005_000, 2_000_000_006_000))?.id).toBe('rr-1');
    expect(await reruns.overlapping('europe', 2_000_000_005_000, 2_000_000_006_000, 'rr-1')).toBeUndefined();
    expect(await reruns.overlapping('europe', 2_000_000_010_000, 2_000_000_020_000)).toBeUndefined();
    expect(await reruns.overlapping('main', 2_000_000_005_000, 2_000_000_006_000)).toBeUndefined();
    await recordings.delete('rec-1');
    expect(await recordings.get('rec-1')).toBeUndefined();
    expect(await reruns.get('rr-1')).toMatchObject({ recordingId: null, region: 'Asia' });
    // A booking checked and written in one transaction; a failing one writes nothing.
    await expect(
      reruns.transaction(async (tx) => {
        await tx.save({ ...rerun, id: 'rr-2', recordingId: null });
        throw new AppError('INVALID_STATE', 'clash');
      }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(await reruns.get('rr-2')).toBeUndefined();
    await reruns.delete('rr-1');
    expect(await reruns.all()).toEqual([]);
  });

  it('revocations: links and roles refused from the next check, kept across a reopening, expired links dropped', async () => {
    const target = await freshTarget(engine);
    const opened = await Database.open(target, logger);
    const list = await RevocationList.start(opened);
    const now = Date.now();
    const studio = { jti: 'link-1', role: 'studio' as const, issuedAtMs: now - 60_000 };
    expect(await list.isRevoked(studio)).toBe(false);
    const revoked = await list.revokeLink({ id: 'link-1', role: 'studio', scope: 'london', expiresAt: new Date(now + 86_400_000).toISOString() });
    expect(revoked).toMatchObject({ id: 'link-1', role: 'studio', scope: 'london' });
    // Again: the first revocation stays as it was.
    expect(await list.revokeLink({ id: 'link-1', role: 'studio', scope: 'london', expiresAt: new Date(now + 86_400_000).toISOString() })).toEqual(revoked);
    expect(await list.isRevoked(studio)).toBe(true);
    expect(await list.isRevoked({ ...studio, jti: 'link-2' })).toBe(false);
    await list.revokeLink({ id: 'gone-soon', role: 'guest', scope: 'moscow', expiresAt: new Date(now + 500).toISOString() });
    // Every captioner link minted until now, not one minted a millisecond after.
    const { issuedBefore } = await list.revokeRole('captioner', now);
    expect(issuedBefore).toBe(new Date(now).toISOString());
    expect(await list.isRevoked({ jti: 'c-1', role: 'captioner', issuedAtMs: now - 1 })).toBe(true);
    expect(await list.isRevoked({ role: 'captioner', issuedAtMs: now - 1 })).toBe(true);
    expect(await list.isRevoked({ jti: 'c-2', role: 'captioner', issuedAtMs: now + 1 })).toBe(false);
    await opened.close();

    await new Promise((r) => setTimeout(r, 600));
    const reopened = await Database.open(target, logger);
    const again = await RevocationList.start(reopened);
    expect(await again.isRevoked(studio)).toBe(true);
    expect(await again.isRevoked({ jti: 'c-1', role: 'captioner', issuedAtMs: now - 1 })).toBe(true);
    const { links, roles } = await again.list();
    expect(links.map((l) => l.id)).toEqual(['link-1']);
    expect(roles).toEqual([{ role: 'captioner', issuedBefore: new Date(now).toISOString() }]);
    await reopened.close();
  });

  it("cut logs: each channel's newest history kept, written in order, an unreadable row left out", async () => {
    const history = new ChannelHistoryStore(db, logger);
    const cut = (version: number, label: string) => ({ at: new Date(1_700_000_000_000 + version).toISOString(), feedId: `feed-${version}`, label, reason: 'take' as const, by: 'producer', version });
    // Saved faster than written: the last of each channel is what is kept.
    for (let v = 1; v <= 5; v++) history.save('main', { version: v, cuts: [cut(v, `Feed ${v}`)] });
    history.save('b2b', { version: 2, cuts: [] });
    await history.flush();
    await db.db.insertInto('channel_history').values({ channel_id: 'broken', version: 1, cuts: '{not json', updated_at: 0 }).execute();
    const loaded = await new ChannelHistoryStore(db, logger).load();
    expect(Object.fromEntries(loaded)).toEqual({ main: { version: 5, cuts: [cut(5, 'Feed 5')] }, b2b: { version: 2, cuts: [] } });
  });

  it('ingests: stored, updated with new ports, removed; an unreadable row left out', async () => {
    const ingests = new IngestStore(db, logger);
    const rtp = { id: 'ingest-1', studioId: 'london', createdAt: '2026-12-07T10:00:00.000Z', spec: { label: 'Camera 1', protocol: 'rtp' as const, source: { ip: '10.0.0.5' }, rtp: { video: { port: 41000, ssrc: 1111 }, audio: { port: 41002, ssrc: 2222 } } } };
    const srt = { id: 'ingest-2', studioId: 'moscow', createdAt: '2026-12-07T10:01:00.000Z', spec: { label: 'OBS', protocol: 'srt' as const, srt: { port: 42000, passphrase: 'a-passphrase-of-32-characters-xx', streamId: 'hybrid-stage-0123' } } };
    await ingests.put(rtp);
    await ingests.put(srt);
    const moved = { ...rtp, spec: { ...rtp.spec, rtp: { ...rtp.spec.rtp, audio: { port: 41010, ssrc: 2222 } } } };
    await ingests.put(moved);
    await db.db.insertInto('ingests').values({ id: 'broken', studio_id: 'london', spec: '{"label": 5}', created_at: Date.parse('2026-12-07T10:02:00.000Z') }).execute();
    expect(await ingests.list()).toEqual([moved, srt]);
    await ingests.remove('ingest-1');
    await ingests.remove('broken');
    expect(await ingests.list()).toEqual([srt]);
  });

  it('registrations: one per email whatever its case, the first kept, even when sent twice at once', async () => {
    const store = new RegistrationStore(db);
    const form = { name: 'Ada', email: 'Ada@Example.com', organisation: 'Engines Ltd', country: 'GB', consent: true as const };
    const first = await store.register(form);
    expect(first.fresh).toBe(true);
    expect(first.registration).toMatchObject({ name: 'Ada', email: 'ada@example.com', organisation: 'Engines Ltd', country: 'GB' });
    const again = await store.register({ ...form, email: 'ADA@example.COM', name: 'Someone else' });
    expect(again).toEqual({ registration: first.registration, fresh: false });
    const together = await Promise.all([store.register({ ...form, email: 'bo@example.com' }), store.register({ ...form, email: 'BO@example.com' })]);
    expect(together.filter((r) => r.fresh)).toHaveLength(1);
    expect(await store.count()).toBe(2);
    expect((await store.list()).map((r) => r.email)).toEqual(['ada@example.com', 'bo@example.com']);
  });
});

/** Raw rows, for what no store shows (the migrations' version table). */
async function sqlRows(db: Database, text: string): Promise<{ rows: Record<string, unknown>[] }> {
  const { sql } = await import('kysely');
  return sql<Record<string, unknown>>`${sql.raw(text)}`.execute(db.db);
}
