// The PostgreSQL store's schema and its migrations, applied in order under an advisory lock.
import type pg from 'pg';
import { storedFunctions } from './functions.js';

/** Migration n (1-based) brings the schema (`S`, quoted) to version n. Append new ones at the end; never edit a released one. */
const migrations = (S: string): readonly string[] => [
  // 1 (up to 0db1023): one row per user per notification, ids counted per user in users.last_seq.
  `CREATE TABLE IF NOT EXISTS ${S}.users (user_id text PRIMARY KEY, last_seq bigint NOT NULL DEFAULT 0);
   CREATE TABLE IF NOT EXISTS ${S}.notifications (
     user_id text NOT NULL,
     seq bigint NOT NULL,
     type text NOT NULL,
     data jsonb NOT NULL,
     category text,
     ts bigint NOT NULL,
     read boolean NOT NULL DEFAULT false,
     idempotency_key text,
     PRIMARY KEY (user_id, seq),
     UNIQUE (user_id, idempotency_key)
   );
   CREATE INDEX IF NOT EXISTS notifications_unread ON ${S}.notifications (user_id, seq) WHERE NOT read;
   CREATE INDEX IF NOT EXISTS notifications_ts ON ${S}.notifications (ts);`,
  // 2: a broadcast or topic notification is one row (user_id NULL; topic NULL for a broadcast), ids come
  // from one sequence that starts past every id of schema 1 (so each user's ids keep sorting), and
  // per-user state moves to user_states, a row only where a user changed something (one column per state).
  `CREATE SEQUENCE ${S}.notification_seq;
   SELECT setval('${S}.notification_seq', greatest(1, (SELECT max(seq) FROM ${S}.notifications), (SELECT max(last_seq) FROM ${S}.users)),
     EXISTS (SELECT 1 FROM ${S}.notifications) OR EXISTS (SELECT 1 FROM ${S}.users WHERE last_seq > 0));
   ALTER TABLE ${S}.users ADD COLUMN known_from bigint NOT NULL DEFAULT 0;
   CREATE TABLE ${S}.user_states (
     user_id text NOT NULL,
     seq bigint NOT NULL,
     read boolean NOT NULL DEFAULT false,
     PRIMARY KEY (user_id, seq)
   );
   INSERT INTO ${S}.user_states (user_id, seq, read) SELECT user_id, seq, true FROM ${S}.notifications WHERE read;
   ALTER TABLE ${S}.notifications DROP CONSTRAINT notifications_pkey;
   ALTER TABLE ${S}.notifications ALTER COLUMN user_id DROP NOT NULL;
   ALTER TABLE ${S}.notifications DROP COLUMN read;
   ALTER TABLE ${S}.notifications ADD COLUMN topic text;
   CREATE UNIQUE INDEX notifications_user_seq ON ${S}.notifications (user_id, seq);
   CREATE UNIQUE INDEX notifications_shared_seq ON ${S}.notifications (seq) WHERE user_id IS NULL;
   CREATE INDEX notifications_topic_seq ON ${S}.notifications (topic, seq) WHERE topic IS NOT NULL;
   CREATE INDEX notifications_broadcast ON ${S}.notifications (seq) WHERE user_id IS NULL AND topic IS NULL;
   CREATE TABLE ${S}.topic_members (
     topic text NOT NULL,
     user_id text NOT NULL,
     from_seq bigint NOT NULL,
     until_seq bigint,
     PRIMARY KEY (topic, user_id, from_seq)
   );
   CREATE INDEX topic_members_user ON ${S}.topic_members (user_id, topic);
   CREATE UNIQUE INDEX topic_members_current ON ${S}.topic_members (topic, user_id) WHERE until_seq IS NULL;`,
  // 3 (issue 15): seen, archived and deleted beside read; a notification read before was shown, so it is seen.
  `ALTER TABLE ${S}.user_states ADD COLUMN seen boolean NOT NULL DEFAULT false,
     ADD COLUMN archived boolean NOT NULL DEFAULT false, ADD COLUMN deleted boolean NOT NULL DEFAULT false;
   UPDATE ${S}.user_states SET seen = true WHERE read;`,
  // 4 (issue 15): expiry and retraction of a notification; scheduled pushes, kept after delivery so that their
  // handle still names the notifications they became (notifications.schedule_id); preferences: a row per category
  // or type a user turned off (absent means on), its index answering "who muted this" for a shared push.
  `ALTER TABLE ${S}.notifications ADD COLUMN expires_at bigint, ADD COLUMN retracted boolean NOT NULL DEFAULT false,
     ADD COLUMN schedule_id text;
   CREATE INDEX notifications_expiry ON ${S}.notifications (expires_at) WHERE expires_at IS NOT NULL;
   CREATE INDEX notifications_schedule ON ${S}.notifications (schedule_id) WHERE schedule_id IS NOT NULL;
   CREATE TABLE ${S}.schedules (
     id text PRIMARY KEY,
     audience jsonb NOT NULL,
     type text NOT NULL,
     data jsonb NOT NULL,
     category text,
     deliver_at bigint NOT NULL,
     expires_at bigint,
     critical boolean NOT NULL DEFAULT false,
     state text NOT NULL DEFAULT 'pending'
   );
   CREATE INDEX schedules_due ON ${S}.schedules (deliver_at) WHERE state = 'pending';
   CREATE TABLE ${S}.preferences_off (
     user_id text NOT NULL,
     kind text NOT NULL CHECK (kind IN ('category', 'type')),
     name text NOT NULL,
     PRIMARY KEY (user_id, kind, name)
   );
   CREATE INDEX preferences_off_name ON ${S}.preferences_off (kind, name, user_id);`,
  // 5 (issue 25): API keys for backends; only a SHA-256 of each key; a name is unique among keys not revoked.
  `CREATE TABLE ${S}.api_keys (
     id text PRIMARY KEY,
     name text NOT NULL,
     key_hash text NOT NULL UNIQUE,
     scopes text NOT NULL,
     rate_count integer,
     rate_period_ms bigint,
     created_at bigint NOT NULL,
     last_used_at bigint,
     revoked_at bigint
   );
   CREATE UNIQUE INDEX api_keys_active_name ON ${S}.api_keys (name) WHERE revoked_at IS NULL;`,
  // 6 (issue 27): webhooks. Endpoints; the outbox, one row per event and endpoint (kept as 'dead' after 24 hours of
  // failures, or as 'sent' while its dedupe key still matters); delivered marks (notification.delivered once per
  // notification and user); the expiry sweep's cursor.
  `CREATE TABLE ${S}.webhook_endpoints (
     id text PRIMARY KEY,
     url text NOT NULL,
     events text[] NOT NULL,
     description text,
     secret text NOT NULL,
     enabled boolean NOT NULL DEFAULT true,
     disabled_reason text,
     created_at bigint NOT NULL,
     failing_since bigint
   );
   CREATE TABLE ${S}.webhook_outbox (
     seq bigserial PRIMARY KEY,
     event_id text NOT NULL,
     endpoint_id text NOT NULL,
     type text NOT NULL,
     order_key text NOT NULL,
     data jsonb NOT NULL,
     created_at bigint NOT NULL,
     state text NOT NULL DEFAULT 'pending',
     attempts integer NOT NULL DEFAULT 0,
     next_at bigint NOT NULL,
     lease_until bigint NOT NULL DEFAULT 0,
     window_start bigint NOT NULL,
     last_error text,
     dedupe text
   );
   CREATE UNIQUE INDEX webhook_outbox_dedupe ON ${S}.webhook_outbox (endpoint_id, dedupe) WHERE dedupe IS NOT NULL;
   CREATE INDEX webhook_outbox_due ON ${S}.webhook_outbox (next_at) WHERE state = 'pending';
   CREATE INDEX webhook_outbox_order ON ${S}.webhook_outbox (endpoint_id, order_key, seq) WHERE state = 'pending';
   CREATE INDEX webhook_outbox_dead ON ${S}.webhook_outbox (seq) WHERE state = 'dead';
   CREATE INDEX webhook_outbox_sent ON ${S}.webhook_outbox (created_at) WHERE state = 'sent';
   CREATE TABLE ${S}.webhook_delivered (user_id text NOT NULL, seq bigint NOT NULL, PRIMARY KEY (user_id, seq));
   CREATE TABLE ${S}.webhook_cursors (name text PRIMARY KEY, at bigint NOT NULL);`,
];

/** The version a migrated schema reaches. */
export const schemaVersion = migrations('x').length;

/** Creates the schema when missing, applies every migration it lacks and (re)creates the stored functions; serialized across nodes. */
export async function migrate(pool: pg.Pool, schema: string, S: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`notify.migrate.${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${S}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${S}.schema_version (version integer NOT NULL)`);
    const { rows } = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${S}.schema_version`);
    const current = rows[0]?.v ?? 0;
    const steps = migrations(S);
    for (let v = current + 1; v <= steps.length; v++) {
      await client.query(steps[v - 1]!);
      await client.query(`INSERT INTO ${S}.schema_version (version) VALUES ($1)`, [v]);
    }
    await client.query(storedFunctions(S));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
