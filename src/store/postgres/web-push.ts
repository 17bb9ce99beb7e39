// The PostgreSQL store's Web Push surface: subscriptions, who may be sent a push, and the shared-push queue (schema 6).
import { randomUUID } from 'node:crypto';
import type { Notification } from '../../../generated/index.js';
import { idPattern } from '../arguments.js';
import { muteCategory, mutesSql } from '../preference-rows.js';
import type { SharedAudience } from '../store.js';
import { newWebPushSubscriptionId, type WebPushJob, type WebPushStore, type WebPushSubscriptionRecord } from '../web-push.js';
import type { Query, Runner } from './runner.js';

interface SubscriptionRow {
  id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  expiration_time: string | null;
  created_at: string;
}

interface JobRow {
  id: string;
  notification: Notification;
  audience: SharedAudience;
  critical: boolean;
  expires_at: string | null;
  cursor: string | null;
}

export interface PostgresWebPushDeps {
  /** The schema, quoted. */
  S: string;
  /** One statement on the pool (throws once the store is closed). */
  single: Runner;
  /** A body in one transaction, retried on deadlock or serialization failure. */
  tx: <T>(body: (run: Runner) => Promise<T>) => Promise<T>;
}

export function postgresWebPush({ S, single, tx }: PostgresWebPushDeps): WebPushStore {
  const q = (name: string, text: string): Query => ({ name: `notify_web_push_${name}`, text });
  const columns = 'id, user_id, endpoint, p256dh, auth, expiration_time, created_at';
  const sql = {
    // Taken FOR UPDATE: two registrations of one endpoint at once (two nodes) run one after the other.
    byEndpointLocked: q('by_endpoint_locked', `SELECT ${columns} FROM ${S}.web_push_subscriptions WHERE endpoint = $1 FOR UPDATE`),
    byEndpoint: q('by_endpoint', `SELECT ${columns} FROM ${S}.web_push_subscriptions WHERE endpoint = $1`),
    ofUser: q('of_user', `SELECT ${columns} FROM ${S}.web_push_subscriptions WHERE user_id = $1 ORDER BY created_at, id`),
    refresh: q('refresh', `UPDATE ${S}.web_push_subscriptions SET p256dh = $2, auth = $3, expiration_time = $4, created_at = $5 WHERE id = $1
      RETURNING ${columns}`),
    // A concurrent first registration of the same endpoint loses the race and takes the row over instead.
    insert: q('insert', `INSERT INTO ${S}.web_push_subscriptions (id, user_id, endpoint, p256dh, auth, expiration_time, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (endpoint) DO UPDATE SET id = EXCLUDED.id, user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth,
        expiration_time = EXCLUDED.expiration_time, created_at = EXCLUDED.created_at
      RETURNING ${columns}`),
    deleteIds: q('delete_ids', `DELETE FROM ${S}.web_push_subscriptions WHERE id = ANY($1::text[])`),
    remove: q('remove', `DELETE FROM ${S}.web_push_subscriptions WHERE id = $1 AND ($2::text IS NULL OR user_id = $2) RETURNING ${columns}`),
    targets: q('targets', `SELECT ${columns} FROM ${S}.web_push_subscriptions s WHERE s.user_id = ANY($1::text[])
      AND ($2 OR NOT EXISTS (SELECT 1 FROM ${S}.preferences_off p WHERE p.user_id = s.user_id AND ${mutesSql(['all', 'web_push'], '$3', '$4')}))
      ORDER BY s.user_id, s.created_at, s.id`),
    users: q('users', `SELECT DISTINCT user_id FROM ${S}.web_push_subscriptions WHERE user_id > $1 ORDER BY user_id LIMIT $2`),
    visible: q('visible', `SELECT lpad(seq::text, 16, '0') AS id FROM ${S}.notifications WHERE seq = ANY($1::bigint[])
      AND NOT retracted AND (expires_at IS NULL OR expires_at > $2::bigint)`),
    enqueue: q('enqueue', `INSERT INTO ${S}.web_push_jobs (id, notification, audience, critical, expires_at) VALUES ($1, $2::jsonb, $3::jsonb, $4, $5)`),
    // SKIP LOCKED: two nodes claiming at once take different jobs.
    claim: q('claim', `UPDATE ${S}.web_push_jobs SET lease_until = $2 WHERE id = (
        SELECT id FROM ${S}.web_push_jobs WHERE lease_until <= $1 ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, notification, audience, critical, expires_at, cursor`),
    advance: q('advance', `UPDATE ${S}.web_push_jobs SET cursor = $2, lease_until = $3 WHERE id = $1`),
    finish: q('finish', `DELETE FROM ${S}.web_push_jobs WHERE id = $1`),
  };

  return {
    register(userId, endpoint, { maxPerUser, nowMs }) {
      return tx(async (t) => {
        const existing = (await t<SubscriptionRow>(sql.byEndpointLocked, [endpoint.endpoint]))[0];
        const kept = existing?.user_id === userId;
        const fields = [endpoint.p256dh, endpoint.auth, endpoint.expirationTime, nowMs];
        const row = kept
          ? (await t<SubscriptionRow>(sql.refresh, [existing.id, ...fields]))[0]!
          : (await t<SubscriptionRow>(sql.insert, [newWebPushSubscriptionId(), userId, endpoint.endpoint, ...fields]))[0]!;
        const mine = await t<SubscriptionRow>(sql.ofUser, [userId]);
        const dropped = mine.slice(0, Math.max(0, mine.length - maxPerUser)).filter((r) => r.id !== row.id);
        if (dropped.length) await t(sql.deleteIds, [dropped.map((r) => r.id)]);
        return { subscription: recordOf(row), created: !kept, dropped: dropped.map(recordOf), ...(existing && !kept ? { movedFrom: existing.user_id } : {}) };
      });
    },

    async remove(id, userId) {
      const row = (await single<SubscriptionRow>(sql.remove, [id, userId ?? null]))[0];
      return row && recordOf(row);
    },

    async byEndpoint(endpoint) {
      const row = (await single<SubscriptionRow>(sql.byEndpoint, [endpoint]))[0];
      return row && recordOf(row);
    },

    async list(userId) {
      return (await single<SubscriptionRow>(sql.ofUser, [userId])).map(recordOf);
    },

    async targets(users, filter) {
      if (users.length === 0) return [];
      const rows = await single<SubscriptionRow>(sql.targets, [users, filter.critical, muteCategory(filter.category), filter.type]);
      return rows.map(recordOf);
    },

    async subscribedUsers(after, limit) {
      return (await single<{ user_id: string }>(sql.users, [after ?? '', limit])).map((r) => r.user_id);
    },

    async visible(ids, nowMs) {
      const seqs = ids.filter((id) => idPattern.test(id)).map((id) => BigInt(id).toString());
      if (seqs.length === 0) return new Set();
      return new Set((await single<{ id: string }>(sql.visible, [seqs, Math.floor(nowMs)])).map((r) => r.id));
    },

    async enqueue(job) {
      await single(sql.enqueue, [randomUUID(), JSON.stringify(job.notification), JSON.stringify(job.audience), job.critical, job.expiresAt ?? null]);
    },

    async claim(nowMs, leaseMs) {
      const row = (await single<JobRow>(sql.claim, [Math.floor(nowMs), Math.floor(nowMs + leaseMs)]))[0];
      return row && jobOf(row);
    },

    async advance(jobId, cursor, leaseUntilMs) {
      await single(sql.advance, [jobId, cursor, Math.floor(leaseUntilMs)]);
    },

    async finish(jobId) {
      await single(sql.finish, [jobId]);
    },
  };
}

function recordOf(row: SubscriptionRow): WebPushSubscriptionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    endpoint: row.endpoint,
    p256dh: row.p256dh,
    auth: row.auth,
    expirationTime: row.expiration_time === null ? null : Number(row.expiration_time),
    createdAt: Number(row.created_at),
  };
}

function jobOf(row: JobRow): WebPushJob {
  const job: WebPushJob = { id: row.id, notification: row.notification, audience: row.audience, critical: row.critical, cursor: row.cursor };
  if (row.expires_at !== null) job.expiresAt = Number(row.expires_at);
  return job;
}
