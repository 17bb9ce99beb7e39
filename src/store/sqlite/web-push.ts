// The SQLite store's Web Push surface: subscriptions, who may be sent a push, and the shared-push queue (schema 6).
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Notification } from '../../../generated/index.js';
import { idPattern } from '../arguments.js';
import { muteCategory, mutesSql } from '../preference-rows.js';
import type { SharedAudience } from '../store.js';
import { newWebPushSubscriptionId, type WebPushJob, type WebPushStore, type WebPushSubscriptionRecord } from '../web-push.js';

interface SubscriptionRow {
  id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  expiration_time: number | null;
  created_at: number;
}

interface JobRow {
  id: string;
  notification: string;
  audience: string;
  critical: 0 | 1;
  expires_at: number | null;
  cursor: string | null;
}

const subscriptionColumns = 'id, user_id, endpoint, p256dh, auth, expiration_time, created_at';

/** `write` runs its body in the store's group commit (durable when it resolves); `live` throws once the store is closed. */
export function sqliteWebPush(db: Database.Database, write: <T>(run: () => T) => Promise<T>, live: () => void): WebPushStore {
  const sql = {
    byEndpoint: db.prepare<[string], SubscriptionRow>(`SELECT ${subscriptionColumns} FROM web_push_subscriptions WHERE endpoint = ?`),
    byId: db.prepare<[string], SubscriptionRow>(`SELECT ${subscriptionColumns} FROM web_push_subscriptions WHERE id = ?`),
    ofUser: db.prepare<[string], SubscriptionRow>(`SELECT ${subscriptionColumns} FROM web_push_subscriptions WHERE user_id = ? ORDER BY created_at, id`),
    refresh: db.prepare<{ id: string; p256dh: string; auth: string; expiration: number | null; now: number }>(
      `UPDATE web_push_subscriptions SET p256dh = @p256dh, auth = @auth, expiration_time = @expiration, created_at = @now WHERE id = @id`,
    ),
    insert: db.prepare<{ id: string; user: string; endpoint: string; p256dh: string; auth: string; expiration: number | null; now: number }>(
      `INSERT INTO web_push_subscriptions (id, user_id, endpoint, p256dh, auth, expiration_time, created_at)
       VALUES (@id, @user, @endpoint, @p256dh, @auth, @expiration, @now)`,
    ),
    delete: db.prepare<[string]>(`DELETE FROM web_push_subscriptions WHERE id = ?`),
    // Unless critical, not to a user who turned the push off for Web Push or at the top level (every channel).
    targets: db.prepare<{ list: string; critical: number; category: string; type: string }, SubscriptionRow>(
      `SELECT ${subscriptionColumns} FROM web_push_subscriptions s WHERE s.user_id IN (SELECT value FROM json_each(@list))
       AND (@critical = 1 OR NOT EXISTS (SELECT 1 FROM preferences_off p WHERE p.user_id = s.user_id AND ${mutesSql(['all', 'web_push'], '@category', '@type')}))
       ORDER BY s.user_id, s.created_at, s.id`,
    ),
    users: db.prepare<[string, number], { user_id: string }>(
      `SELECT DISTINCT user_id FROM web_push_subscriptions WHERE user_id > ? ORDER BY user_id LIMIT ?`,
    ),
    visible: db.prepare<{ list: string; now: number }, { id: string }>(
      `SELECT printf('%016d', seq) AS id FROM notifications WHERE seq IN (SELECT value FROM json_each(@list))
       AND retracted = 0 AND (expires_at IS NULL OR expires_at > @now)`,
    ),
    enqueue: db.prepare<{ id: string; notification: string; audience: string; critical: number; expires: number | null; now: number }>(
      `INSERT INTO web_push_jobs (id, notification, audience, critical, expires_at, created_at)
       VALUES (@id, @notification, @audience, @critical, @expires, @now)`,
    ),
    free: db.prepare<[number], JobRow>(
      `SELECT id, notification, audience, critical, expires_at, cursor FROM web_push_jobs WHERE lease_until <= ? ORDER BY rowid LIMIT 1`,
    ),
    lease: db.prepare<[number, string]>(`UPDATE web_push_jobs SET lease_until = ? WHERE id = ?`),
    advance: db.prepare<[string, number, string]>(`UPDATE web_push_jobs SET cursor = ?, lease_until = ? WHERE id = ?`),
    finish: db.prepare<[string]>(`DELETE FROM web_push_jobs WHERE id = ?`),
  };

  return {
    register(userId, endpoint, { maxPerUser, nowMs }) {
      return write(() => {
        const existing = sql.byEndpoint.get(endpoint.endpoint);
        const kept = existing?.user_id === userId;
        const fields = { p256dh: endpoint.p256dh, auth: endpoint.auth, expiration: endpoint.expirationTime, now: nowMs };
        let id: string;
        if (existing && kept) {
          id = existing.id;
          sql.refresh.run({ id, ...fields });
        } else {
          if (existing) sql.delete.run(existing.id);
          id = newWebPushSubscriptionId();
          sql.insert.run({ id, user: userId, endpoint: endpoint.endpoint, ...fields });
        }
        const mine = sql.ofUser.all(userId);
        const dropped = mine.slice(0, Math.max(0, mine.length - maxPerUser)).filter((row) => row.id !== id);
        for (const row of dropped) sql.delete.run(row.id);
        const subscription = recordOf(sql.byId.get(id)!);
        return { subscription, created: !kept, dropped: dropped.map(recordOf), ...(existing && !kept ? { movedFrom: existing.user_id } : {}) };
      });
    },

    remove(id, userId) {
      return write(() => {
        const row = sql.byId.get(id);
        if (!row || (userId !== undefined && row.user_id !== userId)) return undefined;
        sql.delete.run(id);
        return recordOf(row);
      });
    },

    async byEndpoint(endpoint) {
      live();
      const row = sql.byEndpoint.get(endpoint);
      return row && recordOf(row);
    },

    async list(userId) {
      live();
      return sql.ofUser.all(userId).map(recordOf);
    },

    async targets(users, filter) {
      live();
      if (users.length === 0) return [];
      const params = { list: JSON.stringify(users), critical: filter.critical ? 1 : 0, category: muteCategory(filter.category), type: filter.type };
      return sql.targets.all(params).map(recordOf);
    },

    async subscribedUsers(after, limit) {
      live();
      return sql.users.all(after ?? '', limit).map((r) => r.user_id);
    },

    async visible(ids, nowMs) {
      live();
      const seqs = ids.filter((id) => idPattern.test(id)).map(Number);
      if (seqs.length === 0) return new Set();
      return new Set(sql.visible.all({ list: JSON.stringify(seqs), now: nowMs }).map((r) => r.id));
    },

    enqueue(job) {
      return write(() => {
        sql.enqueue.run({
          id: randomUUID(),
          notification: JSON.stringify(job.notification),
          audience: JSON.stringify(job.audience),
          critical: job.critical ? 1 : 0,
          expires: job.expiresAt ?? null,
          now: Date.now(),
        });
      });
    },

    claim(nowMs, leaseMs) {
      return write((): WebPushJob | undefined => {
        const row = sql.free.get(nowMs);
        if (!row) return undefined;
        sql.lease.run(nowMs + leaseMs, row.id);
        return jobOf(row);
      });
    },

    advance(jobId, cursor, leaseUntilMs) {
      return write(() => void sql.advance.run(cursor, leaseUntilMs, jobId));
    },

    finish(jobId) {
      return write(() => void sql.finish.run(jobId));
    },
  };
}

function recordOf(row: SubscriptionRow): WebPushSubscriptionRecord {
  return { id: row.id, userId: row.user_id, endpoint: row.endpoint, p256dh: row.p256dh, auth: row.auth, expirationTime: row.expiration_time, createdAt: row.created_at };
}

function jobOf(row: JobRow): WebPushJob {
  const job: WebPushJob = {
    id: row.id,
    notification: JSON.parse(row.notification) as Notification,
    audience: JSON.parse(row.audience) as SharedAudience,
    critical: row.critical === 1,
    cursor: row.cursor,
  };
  if (row.expires_at !== null) job.expiresAt = row.expires_at;
  return job;
}
