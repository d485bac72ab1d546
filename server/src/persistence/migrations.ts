/**
 * The SQLite schema as an ordered list of migrations; `PRAGMA user_version` counts those applied.
 * Append only: a released migration is never edited. {@link POSTGRES_MIGRATIONS} holds the same
 * list in PostgreSQL's dialect, with the same numbering: a migration added here is added there.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: caption cues. Every revision is a row; the newest revision of a cue is what viewers see.
  `CREATE TABLE caption_cues (
     id TEXT NOT NULL,
     revision INTEGER NOT NULL,
     channel_id TEXT NOT NULL,
     session_id TEXT,
     language TEXT NOT NULL,
     start_ms INTEGER NOT NULL,
     end_ms INTEGER NOT NULL,
     text TEXT NOT NULL,
     source TEXT NOT NULL,
     status TEXT NOT NULL,
     author TEXT NOT NULL,
     provider_cue_id TEXT,
     translated_from TEXT,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (id, revision)
   ) STRICT;
   CREATE INDEX caption_cues_by_time ON caption_cues (channel_id, language, start_ms);
   CREATE INDEX caption_cues_by_session ON caption_cues (session_id, language, start_ms);
   CREATE UNIQUE INDEX caption_cues_by_provider ON caption_cues (channel_id, language, provider_cue_id, revision)
     WHERE provider_cue_id IS NOT NULL;`,
  // 2: the exhibition. A stand's content is one JSON document (validated by StandContent on the
  // way in); gifts are one row per visitor and stand, so claiming twice finds the first voucher.
  `CREATE TABLE stands (
     id TEXT PRIMARY KEY,
     content TEXT NOT NULL,
     x REAL NOT NULL,
     z REAL NOT NULL,
     rotation INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE stand_comments (
     id TEXT PRIMARY KEY,
     stand_id TEXT NOT NULL REFERENCES stands (id) ON DELETE CASCADE,
     visitor_id TEXT NOT NULL,
     author TEXT NOT NULL,
     text TEXT NOT NULL,
     hidden INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX stand_comments_by_stand ON stand_comments (stand_id, created_at);
   CREATE TABLE stand_gifts (
     stand_id TEXT NOT NULL REFERENCES stands (id) ON DELETE CASCADE,
     visitor_id TEXT NOT NULL,
     code TEXT NOT NULL UNIQUE,
     claimed_at INTEGER NOT NULL,
     PRIMARY KEY (stand_id, visitor_id)
   ) STRICT;
   CREATE TABLE stand_visits (
     id INTEGER PRIMARY KEY,
     stand_id TEXT NOT NULL REFERENCES stands (id) ON DELETE CASCADE,
     visitor_id TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     dwell_ms INTEGER
   ) STRICT;
   CREATE INDEX stand_visits_by_stand ON stand_visits (stand_id);`,
  // 3: recordings of channel programs, and re-runs of recorded sessions.
  `CREATE TABLE recordings (
     id TEXT PRIMARY KEY,
     channel_id TEXT NOT NULL,
     session_id TEXT,
     file TEXT NOT NULL,
     started_at_ms INTEGER NOT NULL,
     ended_at_ms INTEGER,
     duration_ms INTEGER,
     status TEXT NOT NULL,
     trigger TEXT NOT NULL
   ) STRICT;
   CREATE INDEX recordings_by_session ON recordings (session_id, started_at_ms);
   CREATE TABLE reruns (
     id TEXT PRIMARY KEY,
     session_id TEXT NOT NULL,
     channel_id TEXT NOT NULL,
     recording_id TEXT NOT NULL REFERENCES recordings (id),
     starts_at_ms INTEGER NOT NULL,
     ends_at_ms INTEGER NOT NULL,
     region TEXT NOT NULL,
     status TEXT NOT NULL,
     played_from_ms INTEGER
   ) STRICT;
   CREATE INDEX reruns_by_channel ON reruns (channel_id, starts_at_ms);`,
  // 4: viewers who registered for an event that asks them to. One row per email (case-folded):
  // registering again keeps the first row and gets a new token.
  `CREATE TABLE viewer_registrations (
     id TEXT PRIMARY KEY,
     email TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     organisation TEXT NOT NULL,
     country TEXT NOT NULL,
     registered_at INTEGER NOT NULL
   ) STRICT;`,
  // 5: a re-run outlives its recording: deleting a recording keeps the re-runs played from it,
  // without one (SQLite changes a foreign key only by rebuilding the table).
  `CREATE TABLE reruns_v5 (
     id TEXT PRIMARY KEY,
     session_id TEXT NOT NULL,
     channel_id TEXT NOT NULL,
     recording_id TEXT REFERENCES recordings (id) ON DELETE SET NULL,
     starts_at_ms INTEGER NOT NULL,
     ends_at_ms INTEGER NOT NULL,
     region TEXT NOT NULL,
     status TEXT NOT NULL,
     played_from_ms INTEGER
   ) STRICT;
   INSERT INTO reruns_v5 (id, session_id, channel_id, recording_id, starts_at_ms, ends_at_ms, region, status, played_from_ms)
     SELECT id, session_id, channel_id, recording_id, starts_at_ms, ends_at_ms, region, status, played_from_ms FROM reruns;
   DROP TABLE reruns;
   ALTER TABLE reruns_v5 RENAME TO reruns;
   CREATE INDEX reruns_by_channel ON reruns (channel_id, starts_at_ms);`,
  // 6: the revocation list: links one by one (kept until they would have expired), and roles whose
  // links made before a time no longer work.
  `CREATE TABLE revoked_links (
     jti TEXT PRIMARY KEY,
     role TEXT NOT NULL,
     scope TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     revoked_at INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE revoked_roles (
     role TEXT PRIMARY KEY,
     issued_before INTEGER NOT NULL
   ) STRICT;`,
  // 7: each channel's version and cut log (JSON), so a restarted or new origin carries on with them.
  `CREATE TABLE channel_history (
     channel_id TEXT PRIMARY KEY,
     version INTEGER NOT NULL,
     cuts TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   ) STRICT;`,
  // 8: the encoders' ingests (what an encoder sends to: ports, SSRCs, SRT secret; JSON), so a
  // restarted or new origin opens them again where the encoders keep sending.
  `CREATE TABLE ingests (
     id TEXT PRIMARY KEY,
     studio_id TEXT NOT NULL,
     spec TEXT NOT NULL,
     created_at INTEGER NOT NULL
   ) STRICT;`,
];

/**
 * The same migrations for PostgreSQL, one for one (numbered in `schema_migrations`). The tables
 * have the names and columns of SQLite's, so the stores' queries are the same in both: times in ms
 * are BIGINT (read back as numbers), flags are INTEGER 0/1, and the tables SQLite orders by its
 * implicit `rowid` get an identity column of that name.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  // 1: caption cues.
  `CREATE TABLE caption_cues (
     id TEXT NOT NULL,
     revision INTEGER NOT NULL,
     channel_id TEXT NOT NULL,
     session_id TEXT,
     language TEXT NOT NULL,
     start_ms BIGINT NOT NULL,
     end_ms BIGINT NOT NULL,
     text TEXT NOT NULL,
     source TEXT NOT NULL,
     status TEXT NOT NULL,
     author TEXT NOT NULL,
     provider_cue_id TEXT,
     translated_from TEXT,
     created_at BIGINT NOT NULL,
     PRIMARY KEY (id, revision)
   );
   CREATE INDEX caption_cues_by_time ON caption_cues (channel_id, language, start_ms);
   CREATE INDEX caption_cues_by_session ON caption_cues (session_id, language, start_ms);
   CREATE UNIQUE INDEX caption_cues_by_provider ON caption_cues (channel_id, language, provider_cue_id, revision)
     WHERE provider_cue_id IS NOT NULL;`,
  // 2: the exhibition.
  `CREATE TABLE stands (
     id TEXT PRIMARY KEY,
     content TEXT NOT NULL,
     x DOUBLE PRECISION NOT NULL,
     z DOUBLE PRECISION NOT NULL,
     rotation INTEGER NOT NULL,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL
   );
   CREATE TABLE stand_comments (
     rowid BIGINT GENERATED ALWAYS AS IDENTITY,
     id TEXT PRIMARY KEY,
     stand_id TEXT NOT NULL REFERENCES stands (id) ON DELETE CASCADE,
     visitor_id TEXT NOT NULL,
     author TEXT NOT NULL,
     text TEXT NOT NULL,
     hidden INTEGER NOT NULL DEFAULT 0,
     created_at BIGINT NOT NULL
   );
   CREATE INDEX stand_comments_by_stand ON stand_comments (stand_id, created_at);
   CREATE TABLE stand_gifts (
     stand_id TEXT NOT NULL REFERENCES stands (id) ON DELETE CASCADE,
     visitor_id TEXT NOT NULL,
     code TEXT NOT NULL UNIQUE,
     claimed_at BIGINT NOT NULL,
     PRIMARY KEY (stand_id, visitor_id)
   );
   CREATE TABLE stand_visits (
     id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
     stand_id TEXT NOT NULL REFERENCES stands (id) ON DELETE CASCADE,
     visitor_id TEXT NOT NULL,
     started_at BIGINT NOT NULL,
     dwell_ms BIGINT
   );
   CREATE INDEX stand_visits_by_stand ON stand_visits (stand_id);`,
  // 3: recordings and re-runs.
  `CREATE TABLE recordings (
     id TEXT PRIMARY KEY,
     channel_id TEXT NOT NULL,
     session_id TEXT,
     file TEXT NOT NULL,
     started_at_ms BIGINT NOT NULL,
     ended_at_ms BIGINT,
     duration_ms BIGINT,
     status TEXT NOT NULL,
     trigger TEXT NOT NULL
   );
   CREATE INDEX recordings_by_session ON recordings (session_id, started_at_ms);
   CREATE TABLE reruns (
     id TEXT PRIMARY KEY,
     session_id TEXT NOT NULL,
     channel_id TEXT NOT NULL,
     recording_id TEXT NOT NULL REFERENCES recordings (id),
     starts_at_ms BIGINT NOT NULL,
     ends_at_ms BIGINT NOT NULL,
     region TEXT NOT NULL,
     status TEXT NOT NULL,
     played_from_ms BIGINT
   );
   CREATE INDEX reruns_by_channel ON reruns (channel_id, starts_at_ms);`,
  // 4: viewer registrations, one row per (case-folded) email.
  `CREATE TABLE viewer_registrations (
     rowid BIGINT GENERATED ALWAYS AS IDENTITY,
     id TEXT PRIMARY KEY,
     email TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     organisation TEXT NOT NULL,
     country TEXT NOT NULL,
     registered_at BIGINT NOT NULL
   );`,
  // 5: a re-run outlives its recording (PostgreSQL alters the foreign key in place).
  `ALTER TABLE reruns ALTER COLUMN recording_id DROP NOT NULL;
   ALTER TABLE reruns DROP CONSTRAINT reruns_recording_id_fkey;
   ALTER TABLE reruns ADD CONSTRAINT reruns_recording_id_fkey FOREIGN KEY (recording_id) REFERENCES recordings (id) ON DELETE SET NULL;`,
  // 6: the revocation list.
  `CREATE TABLE revoked_links (
     jti TEXT PRIMARY KEY,
     role TEXT NOT NULL,
     scope TEXT NOT NULL,
     expires_at BIGINT NOT NULL,
     revoked_at BIGINT NOT NULL
   );
   CREATE TABLE revoked_roles (
     role TEXT PRIMARY KEY,
     issued_before BIGINT NOT NULL
   );`,
  // 7: each channel's version and cut log.
  `CREATE TABLE channel_history (
     channel_id TEXT PRIMARY KEY,
     version INTEGER NOT NULL,
     cuts TEXT NOT NULL,
     updated_at BIGINT NOT NULL
   );`,
  // 8: the encoders' ingests.
  `CREATE TABLE ingests (
     id TEXT PRIMARY KEY,
     studio_id TEXT NOT NULL,
     spec TEXT NOT NULL,
     created_at BIGINT NOT NULL
   );`,
];
