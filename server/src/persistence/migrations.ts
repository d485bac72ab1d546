/**
 * The database schema as an ordered list of migrations; `PRAGMA user_version` counts those applied.
 * Append only: a released migration is never edited.
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
];
