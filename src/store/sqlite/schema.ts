// The SQLite store's schema and its migrations (PRAGMA user_version), run once per open.
import type Database from 'better-sqlite3';

/**
 * Schema 3: a notification is one row whatever its audience (`user_id` set: one user; `topic` set: a
 * topic's subscribers; both NULL: every known user). Per-user state lives in `user_states`, a row only
 * where a user changed something; each state (seen, read, archived, deleted) is a column.
 */
/** Schema 4: scheduled pushes, kept after delivery so that their handle still names what they became. */
const schedulesTable = `
  CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    audience TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    category TEXT,
    deliver_at INTEGER NOT NULL,
    expires_at INTEGER,
    critical INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'pending'
  ) WITHOUT ROWID;`;
/**
 * Schema 4: a row per category or type a user turned off (preferences; absent means on); its index answers
 * "who muted this category / type" for a broadcast or topic push.
 */
const preferencesTable = `
  CREATE TABLE preferences_off (
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('category', 'type')),
    name TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, name)
  ) WITHOUT ROWID;
  CREATE INDEX preferences_off_name ON preferences_off (kind, name, user_id);`;
const timingIndexes = `
  CREATE INDEX notifications_expiry ON notifications (expires_at) WHERE expires_at IS NOT NULL;
  CREATE INDEX notifications_schedule ON notifications (schedule_id) WHERE schedule_id IS NOT NULL;
  CREATE INDEX schedules_due ON schedules (deliver_at) WHERE state = 'pending';`;

const tables = `
  CREATE TABLE users (user_id TEXT PRIMARY KEY, known_from INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
  CREATE TABLE notifications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT,
    topic TEXT,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    category TEXT,
    ts INTEGER NOT NULL,
    idempotency_key TEXT,
    expires_at INTEGER,
    retracted INTEGER NOT NULL DEFAULT 0,
    schedule_id TEXT,
    UNIQUE (user_id, idempotency_key)
  );
  CREATE TABLE user_states (
    user_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    read INTEGER NOT NULL DEFAULT 0,
    seen INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE topic_members (
    topic TEXT NOT NULL,
    user_id TEXT NOT NULL,
    from_seq INTEGER NOT NULL,
    until_seq INTEGER,
    PRIMARY KEY (topic, user_id, from_seq)
  ) WITHOUT ROWID;
  ${schedulesTable}
  ${preferencesTable}`;

const indexes = `
  CREATE INDEX notifications_user_seq ON notifications (user_id, seq) WHERE user_id IS NOT NULL;
  CREATE INDEX notifications_topic_seq ON notifications (topic, seq) WHERE topic IS NOT NULL;
  CREATE INDEX notifications_broadcast ON notifications (seq) WHERE user_id IS NULL AND topic IS NULL;
  CREATE INDEX notifications_ts ON notifications (ts);
  CREATE INDEX topic_members_user ON topic_members (user_id, topic);
  CREATE UNIQUE INDEX topic_members_current ON topic_members (topic, user_id) WHERE until_seq IS NULL;
  ${timingIndexes}`;

/** Schema 1 (up to 0db1023): one row per user per notification (a broadcast copied per user), `read` on the row. */
const fromVersion1 = `
  ALTER TABLE users ADD COLUMN known_from INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE notifications RENAME TO notifications_v1;
  DROP INDEX IF EXISTS notifications_user_seq;
  DROP INDEX IF EXISTS notifications_user_unread;
  DROP INDEX IF EXISTS notifications_ts;
  ${tables.replace(/CREATE TABLE users [^;]*;/, '')}
  INSERT INTO notifications (seq, user_id, type, data, category, ts, idempotency_key)
    SELECT seq, user_id, type, data, category, ts, idempotency_key FROM notifications_v1 ORDER BY seq;
  INSERT INTO user_states (user_id, seq, read, seen) SELECT user_id, seq, 1, 1 FROM notifications_v1 WHERE read = 1;
  -- Ids never go back: the new table continues from the old sequence (which may be past pruned rows).
  UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM sqlite_sequence WHERE name IN ('notifications', 'notifications_v1'))
    WHERE name = 'notifications';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'notifications', seq FROM sqlite_sequence
    WHERE name = 'notifications_v1' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'notifications');
  DELETE FROM sqlite_sequence WHERE name = 'notifications_v1';
  DROP TABLE notifications_v1;
  ${indexes}`;

/** Schema 2 (up to 2f86443): user_states held `read` only. A notification read before was shown: it is seen. */
const fromVersion2 = `
  ALTER TABLE user_states ADD COLUMN seen INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE user_states ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE user_states ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
  UPDATE user_states SET seen = 1 WHERE read = 1;`;

/** Schema 3 (issue 15 states): no expiry, retraction, scheduling or preferences. */
const fromVersion3 = `
  ${preferencesTable}
  ALTER TABLE notifications ADD COLUMN expires_at INTEGER;
  ALTER TABLE notifications ADD COLUMN retracted INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE notifications ADD COLUMN schedule_id TEXT;
  ${schedulesTable}
  ${timingIndexes}`;

/** The schema every migration below starts from: a new file is created at it, an older one brought to it first. */
const baseVersion = 4;

/**
 * Migrations after schema 4, in order: entry i brings the file from version 5 + i - 1 to 5 + i. Append new ones at
 * the end (never edit a released one); a new file runs them too, so each table is written down once.
 */
const laterSteps: readonly string[] = [
  // 5 (issue 25): API keys for backends; only a SHA-256 of each key; a name is unique among keys not revoked.
  `CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     key_hash TEXT NOT NULL UNIQUE,
     scopes TEXT NOT NULL,
     rate_count INTEGER,
     rate_period_ms INTEGER,
     created_at INTEGER NOT NULL,
     last_used_at INTEGER,
     revoked_at INTEGER
   ) WITHOUT ROWID;
   CREATE UNIQUE INDEX api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL;`,
  // Webhooks (issue 27): endpoints; the outbox, one row per event and endpoint (kept as 'dead' after 24 hours of
  // failures, or as 'sent' while its dedupe key still matters); delivered marks (notification.delivered once per
  // notification and user); the expiry sweep's cursor.
  `CREATE TABLE webhook_endpoints (
     id TEXT PRIMARY KEY,
     url TEXT NOT NULL,
     events TEXT NOT NULL,
     description TEXT,
     secret TEXT NOT NULL,
     enabled INTEGER NOT NULL DEFAULT 1,
     disabled_reason TEXT,
     created_at INTEGER NOT NULL,
     failing_since INTEGER
   ) WITHOUT ROWID;
   CREATE TABLE webhook_outbox (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     event_id TEXT NOT NULL,
     endpoint_id TEXT NOT NULL,
     type TEXT NOT NULL,
     order_key TEXT NOT NULL,
     data TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     state TEXT NOT NULL DEFAULT 'pending',
     attempts INTEGER NOT NULL DEFAULT 0,
     next_at INTEGER NOT NULL,
     lease_until INTEGER NOT NULL DEFAULT 0,
     window_start INTEGER NOT NULL,
     last_error TEXT,
     dedupe TEXT
   );
   CREATE UNIQUE INDEX webhook_outbox_dedupe ON webhook_outbox (endpoint_id, dedupe) WHERE dedupe IS NOT NULL;
   CREATE INDEX webhook_outbox_due ON webhook_outbox (next_at) WHERE state = 'pending';
   CREATE INDEX webhook_outbox_order ON webhook_outbox (endpoint_id, order_key, seq) WHERE state = 'pending';
   CREATE INDEX webhook_outbox_dead ON webhook_outbox (seq) WHERE state = 'dead';
   CREATE INDEX webhook_outbox_sent ON webhook_outbox (created_at) WHERE state = 'sent';
   CREATE TABLE webhook_delivered (user_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (user_id, seq)) WITHOUT ROWID;
   CREATE TABLE webhook_cursors (name TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;`,
];

export const schemaVersion = baseVersion + laterSteps.length;

/** Brings the file to `schemaVersion` in one write transaction (several processes may open it at once). */
export function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version >= schemaVersion) return;
    if (version < baseVersion) {
      // Schema 1's script creates the schema-4 tables at once (its user_states is new).
      const steps: Record<number, string> = { 1: fromVersion1, 2: `${fromVersion2}${fromVersion3}`, 3: fromVersion3 };
      db.exec(steps[version] ?? `${tables}${indexes}`);
    }
    for (let v = Math.max(version, baseVersion); v < schemaVersion; v++) db.exec(laterSteps[v - baseVersion]!);
    db.pragma(`user_version = ${schemaVersion}`);
  }).immediate();
}
