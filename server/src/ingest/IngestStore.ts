import { z } from 'zod';
import { IngestProtocol, IngestSource } from '@hybrid-stage/shared';
import type { Logger } from '../logger';
import type { Db } from '../persistence/Database';

const Port = z.number().int().min(1).max(65535);
const Target = z.object({ port: Port, ssrc: z.number().int().min(0).max(0xffffffff) });

/**
 * What an encoder sends to, kept so a restarted server, or a standby origin taking over, opens the
 * ingest again where the encoder keeps sending: an RTP ingest's ports and SSRCs, an SRT ingest's
 * port, passphrase and stream id.
 */
export const IngestSpec = z.object({
  label: z.string().min(1).max(200),
  protocol: IngestProtocol,
  source: IngestSource.optional(),
  rtp: z.object({ video: Target, audio: Target }).optional(),
  srt: z.object({ port: Port, passphrase: z.string().min(10).max(79), streamId: z.string().min(1).max(512) }).optional(),
});
export type IngestSpec = z.infer<typeof IngestSpec>;

/** A stored ingest. */
export interface IngestRecord {
  id: string;
  studioId: string;
  createdAt: string;
  spec: IngestSpec;
}

/** The ingests of every studio, in SQLite or PostgreSQL. */
export class IngestStore {
  readonly #db: Db;
  readonly #logger: Logger;

  constructor(db: Db, logger: Logger) {
    this.#db = db;
    this.#logger = logger;
  }

  /** Every stored ingest, oldest first; one that does not read back is left out, with a warning. */
  async list(): Promise<IngestRecord[]> {
    const rows = await this.#db.db.selectFrom('ingests').selectAll().orderBy('created_at').execute();
    return rows.flatMap((row) => {
      let parsed: ReturnType<typeof IngestSpec.safeParse> | undefined;
      try {
        parsed = IngestSpec.safeParse(JSON.parse(row.spec));
      } catch {
        parsed = undefined;
      }
      if (parsed?.success) return [{ id: row.id, studioId: row.studio_id, createdAt: new Date(Number(row.created_at)).toISOString(), spec: parsed.data }];
      this.#logger.warn({ ingestId: row.id }, 'stored ingest unreadable: not opened again');
      return [];
    });
  }

  /** Stores an ingest, or what changed in it (its ports, after a move to another worker). */
  async put({ id, studioId, createdAt, spec }: IngestRecord): Promise<void> {
    const row = { studio_id: studioId, spec: JSON.stringify(spec), created_at: Date.parse(createdAt) };
    await this.#db.db
      .insertInto('ingests')
      .values({ id, ...row })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
  }

  async remove(id: string): Promise<void> {
    await this.#db.db.deleteFrom('ingests').where('id', '=', id).execute();
  }
}
