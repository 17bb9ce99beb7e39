// The SQLite store's expiry, scheduled delivery and retraction (its statements and the methods built on them).
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Notification } from '../../../generated/index.js';
import { checkTopic, idPattern, notificationOf } from '../arguments.js';
import { currentSeq } from './queries.js';
import type { NotificationId } from '../store.js';
import type { sqlitePreferences } from './preferences.js';
import type { sqliteWebhooks } from './webhooks.js';
import {
  recipientsOf,
  scheduleIdPattern,
  type DeliveredNotification,
  type NewScheduledNotification,
  type RemovedNotification,
  type RemoveOutcome,
  type ScheduleAudience,
  type ScheduleId,
} from '../timing.js';

/** The rows `prune(@cutoff)` deletes: old ones, and those expired before the cutoff. */
export const prunable = `ts < @cutoff OR (expires_at IS NOT NULL AND expires_at < @cutoff)`;

interface DueRow {
  id: ScheduleId;
  audience: string;
  type: Notification['type'];
  data: string;
  category: string | null;
  expires_at: number | null;
  critical: 0 | 1;
}

interface StoredRow {
  id: NotificationId;
  user_id: string | null;
  topic: string | null;
  retracted: 0 | 1;
  expires_at: number | null;
}

/** Runs `run` in the store's next group-commit write transaction (BEGIN IMMEDIATE: one writer across processes). */
type Write = <T>(run: () => T) => Promise<T>;

export function sqliteTiming(db: Database.Database, write: Write, preferences: ReturnType<typeof sqlitePreferences>, webhookEvents: ReturnType<typeof sqliteWebhooks>['events']) {
  const stored = `printf('%016d', seq) AS id, user_id, topic, retracted, expires_at`;
  const sql = {
    schedule: db.prepare<[string, string, string, string, string | null, number, number | null, number]>(
      `INSERT INTO schedules (id, audience, type, data, category, deliver_at, expires_at, critical) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    due: db.prepare<[number, number], DueRow>(
      `SELECT id, audience, type, data, category, expires_at, critical FROM schedules WHERE state = 'pending' AND deliver_at <= ? ORDER BY deliver_at, id LIMIT ?`,
    ),
    anyDue: db.prepare<[number], { due: 1 }>(`SELECT 1 AS due FROM schedules WHERE state = 'pending' AND deliver_at <= ? LIMIT 1`),
    setState: db.prepare<[string, string]>(`UPDATE schedules SET state = ? WHERE id = ?`),
    stateOf: db.prepare<[string], { state: string }>(`SELECT state FROM schedules WHERE id = ?`),
    touch: db.prepare<[string]>(`INSERT INTO users (user_id, known_from) VALUES (?, ${currentSeq}) ON CONFLICT (user_id) DO NOTHING`),
    insert: db.prepare<[string | null, string | null, string, string, string | null, number, number | null, string], { id: NotificationId }>(
      `INSERT INTO notifications (user_id, topic, type, data, category, ts, expires_at, schedule_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       RETURNING printf('%016d', seq) AS id`,
    ),
    bySchedule: db.prepare<[string], StoredRow>(`SELECT ${stored} FROM notifications WHERE schedule_id = ? ORDER BY seq`),
    bySeq: db.prepare<[number], StoredRow>(`SELECT ${stored} FROM notifications WHERE seq = ?`),
    retract: db.prepare<[string]>(`UPDATE notifications SET retracted = 1 WHERE seq = CAST(? AS INTEGER)`),
    expired: db.prepare<[number, number], StoredRow>(
      `SELECT ${stored} FROM notifications WHERE expires_at > ? AND expires_at <= ? AND retracted = 0 ORDER BY expires_at, seq`,
    ),
  };

  /** Retracts rows; returns those that were still visible. */
  const retract = (rows: readonly StoredRow[]): RemovedNotification[] => {
    const nowMs = Date.now();
    const removed = rows
      .filter((r) => r.retracted === 0 && (r.expires_at === null || r.expires_at > nowMs))
      .map((r) => ({ id: r.id, recipients: recipientsOf({ userId: r.user_id, topic: r.topic }) }));
    for (const r of rows) sql.retract.run(r.id);
    webhookEvents.retracted(removed.map((r) => r.id));
    return removed;
  };

  /** Appends what one due schedule becomes; unless critical, not for those who muted it (their preferences now). */
  const deliver = (due: DueRow, nowMs: number): DeliveredNotification[] => {
    const audience = JSON.parse(due.audience) as ScheduleAudience;
    // Parsed once: every recipient's notification holds the same data.
    const data = JSON.parse(due.data) as Notification['data'];
    const view = (id: NotificationId): Notification => notificationOf({ type: due.type, id, timestamp: nowMs, data, read: false, category: due.category });
    const insert = (userId: string | null, topic: string | null): NotificationId =>
      sql.insert.get(userId, topic, due.type, due.data, due.category, nowMs, due.expires_at, due.id)!.id;
    const category = due.category ?? undefined;
    if (audience.kind === 'users') {
      const wanted = due.critical ? audience.users : audience.users.filter((userId) => !preferences.mutes(userId, category, due.type));
      return wanted.map((userId) => {
        sql.touch.run(userId);
        return { scheduleId: due.id, notification: view(insert(userId, null)), recipients: { kind: 'user', userId } };
      });
    }
    const id = insert(null, audience.kind === 'topic' ? audience.topic : null);
    if (!due.critical) preferences.muteShared(Number(id), audience, category, due.type);
    return [{ scheduleId: due.id, notification: view(id), recipients: audience }];
  };

  return {
    async schedule(input: NewScheduledNotification): Promise<ScheduleId> {
      if (input.audience.kind === 'topic') checkTopic(input.audience.topic);
      const id = `sched_${randomUUID()}`;
      const text = JSON.stringify(input.data);
      return write(() => {
        sql.schedule.run(id, JSON.stringify(input.audience), input.type, text, input.category ?? null, input.deliverAt, input.expiresAt ?? null, input.critical ? 1 : 0);
        return id;
      });
    },

    claimDue(nowMs: number, limit: number): Promise<DeliveredNotification[]> {
      // Called several times a second by every node: a read first, so that an idle store takes no write lock or fsync.
      if (sql.anyDue.get(nowMs) === undefined) return Promise.resolve([]);
      return write(() =>
        sql.due.all(nowMs, limit).flatMap((due) => {
          const expired = due.expires_at !== null && due.expires_at <= nowMs;
          sql.setState.run(expired ? 'expired' : 'delivered', due.id);
          return expired ? [] : deliver(due, nowMs);
        }),
      );
    },

    remove(id: string): Promise<RemoveOutcome> {
      return write((): RemoveOutcome => {
        if (scheduleIdPattern.test(id)) {
          const state = sql.stateOf.get(id)?.state;
          if (state === undefined) return { outcome: 'unknown' };
          if (state !== 'delivered') {
            if (state === 'pending') sql.setState.run('cancelled', id);
            return { outcome: 'cancelled' };
          }
          return { outcome: 'retracted', removed: retract(sql.bySchedule.all(id)) };
        }
        const row = idPattern.test(id) ? sql.bySeq.get(Number(id)) : undefined;
        return row ? { outcome: 'retracted', removed: retract([row]) } : { outcome: 'unknown' };
      });
    },

    expiredBetween(afterMs: number, upToMs: number): RemovedNotification[] {
      return sql.expired.all(afterMs, upToMs).map((r) => ({ id: r.id, recipients: recipientsOf({ userId: r.user_id, topic: r.topic }) }));
    },
  };
}
