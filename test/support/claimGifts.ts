// A separate process claiming gifts straight from the database file, as a second server would:
// `node --import tsx test/support/claimGifts.ts DB STAND PREFIX COUNT START_AT_MS` prints {given, refused, errors}.
import { createLogger } from '../../server/src/logger';
import { Database } from '../../server/src/persistence/Database';
import { AppError } from '../../server/src/errors';
import { GiftLedger } from '../../server/src/exhibition/GiftLedger';
import { StandStore } from '../../server/src/exhibition/StandStore';

const [file, standId, prefix, count, startAt] = process.argv.slice(2) as [string, string, string, string, string];
const db = await Database.open({ engine: 'sqlite', file }, createLogger('silent'));
const gifts = new GiftLedger(db, new StandStore(db));
const result = { given: [] as string[], refused: 0, errors: [] as string[] };
// Start together with the other processes, at the time the test chose.
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
for (let i = 0; i < Number(count); i++) {
  try {
    const { voucher, fresh } = await gifts.claim(standId, `${prefix}-${String(i).padStart(4, '0')}`);
    if (fresh) result.given.push(voucher.code);
  } catch (error) {
    if (error instanceof AppError && error.code === 'INVALID_STATE') result.refused++;
    else result.errors.push(String(error));
  }
}
await db.close();
console.log(JSON.stringify(result));
