// Gift stock under claims from several processes on one database file (as several servers would):
// each claim is one write transaction, so the stock is never exceeded and nobody gets an error.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { createLogger } from '../server/src/logger';
import { Database } from '../server/src/persistence/Database';
import { StandStore } from '../server/src/exhibition/StandStore';
import { standWithStock } from './support/stands';

const run = promisify(execFile);

it('hands out exactly the stock when four processes claim 250 gifts each at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-gifts-'));
  const file = join(dir, 'hybrid-stage.db');
  try {
    const db = await Database.open({ engine: 'sqlite', file }, createLogger('silent'));
    await new StandStore(db).add(standWithStock('mugs', 10));
    await db.close();

    // Every process starts claiming at the same moment, once all have loaded.
    const startAt = String(Date.now() + 5000);
    const outputs = await Promise.all(
      ['a', 'b', 'c', 'd'].map((prefix) =>
        run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'claimGifts.ts'), file, 'mugs', prefix, '250', startAt], {
          cwd: join(import.meta.dirname, '..'),
        }),
      ),
    );
    const results = outputs.map((o) => JSON.parse(o.stdout.trim().split('\n').at(-1)!) as { given: string[]; refused: number; errors: string[] });
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    const given = results.flatMap((r) => r.given);
    expect(given).toHaveLength(10);
    expect(new Set(given).size).toBe(10);
    expect(results.reduce((n, r) => n + r.refused, 0)).toBe(990);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
