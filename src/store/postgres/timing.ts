// The PostgreSQL store's expiry, scheduled delivery (claimed with FOR UPDATE SKIP LOCKED) and retraction.
import { randomUUID } from 'node:crypto';
import type { Notification } from '../../../generated/index.js';
import { checkTopic, idPattern, notificationOf } from '../arguments.js';
import type { NotificationId, UserId } from '../../ids.js';
import type { Query, Runner } from './runner.js';
import type { postgresPreferences } from './preferences.js';
import type { postgresWebhooks } from './webhooks.js';
import { muteCategory, mutesSql } from '../preference-rows.js';
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

interface TimingDeps {
  /** The quoted schema. */
  S: string;
  run: Runner;
  /** One transaction (retried on deadlock), ordered with this node's other writes. */
  tx: <T>(body: (t: Runner) => Promise<T>) => Promise<T>;
  /** The audience advisory lock's key (see openPostgresStore). */
  lockKey: string;
  /** SQL of the last id handed out. */
  currentSeq: string;
  preferences: ReturnType<typeof postgresPreferences>;
  /** Adds the webhook events of a retraction to its transaction. */
  webhookEvents: ReturnType<typeof postgresWebhooks>['events'];
}

interface DueRow {
  id: ScheduleId;
  audience: ScheduleAudience;
  type: Notification['type'];
  data: Notification['data'];
  category: string | null;
  expires_at: string | null;
  critical: boolean;
}

interface StoredRow {
  id: NotificationId;
  user_id: string | null;
  topic: string | null;
  expires_at: string | null;
}

export function postgresTiming({ S, run, tx, lockKey, currentSeq, preferences, webhookEvents }: TimingDeps) {
  const q = (name: string, text: string): Query => ({ name: `notify_timing_${name}`, text });
  const stored = `lpad(seq::text, 16, '0') AS id, user_id, topic, expires_at`;
  const sql = {
    schedule: q('schedule', `INSERT INTO ${S}.schedules (id, audience, type, data, category, deliver_at, expires_at, critical)
      VALUES ($1, $2::jsonb, $3, $4::jsonb, $5, $6, $7, $8)`),
    mutedAmong: q('muted_among', `SELECT DISTINCT user_id FROM ${S}.preferences_off p WHERE p.user_id = ANY($1::text[]) AND ${mutesSql(['all'], '$2', '$3')}`),
    // SKIP LOCKED: a schedule another node is delivering is not waited for, and never claimed twice.
    due: q('due', `SELECT id, audience, type, data, category, expires_at, critical FROM ${S}.schedules
      WHERE state = 'pending' AND deliver_at <= $1 ORDER BY deliver_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`),
    anyDue: q('any_due', `SELECT 1 FROM ${S}.schedules WHERE state = 'pending' AND deliver_at <= $1 LIMIT 1`),
    setState: q('set_state', `UPDATE ${S}.schedules SET state = $2 WHERE id = $1`),
    cancel: q('cancel', `UPDATE ${S}.schedules SET state = 'cancelled' WHERE id = $1 AND state = 'pending' RETURNING id`),
    stateOf: q('state_of', `SELECT state FROM ${S}.schedules WHERE id = $1`),
    lockShared: q('lock_shared', `SELECT pg_advisory_xact_lock_shared(hashtext($1))`),
    lockExclusive: q('lock_exclusive', `SELECT pg_advisory_xact_lock(hashtext($1))`),
    lockUser: q('lock_user', `INSERT INTO ${S}.users AS u (user_id, known_from) VALUES ($1, ${currentSeq})
      ON CONFLICT (user_id) DO UPDATE SET last_seq = u.last_seq + 1`),
    insert: q('insert', `INSERT INTO ${S}.notifications (user_id, topic, seq, type, data, category, ts, expires_at, schedule_id)
      VALUES ($1, $2, nextval('${S}.notification_seq'), $3, $4::jsonb, $5, $6, $7, $8) RETURNING lpad(seq::text, 16, '0') AS id`),
    retractSchedule: q('retract_schedule', `UPDATE ${S}.notifications SET retracted = true WHERE schedule_id = $1 AND NOT retracted
      RETURNING ${stored}`),
    retractOne: q('retract_one', `UPDATE ${S}.notifications SET retracted = true WHERE seq = $1 AND NOT retracted RETURNING ${stored}`),
    exists: q('exists', `SELECT 1 FROM ${S}.notifications WHERE seq = $1`),
    expired: q('expired', `SELECT ${stored} FROM ${S}.notifications WHERE expires_at > $1 AND expires_at <= $2 AND NOT retracted
      ORDER BY expires_at, seq`),
  };
  const removedOf = (rows: readonly StoredRow[]): RemovedNotification[] => {
    const nowMs = Date.now();
    return rows
      .filter((r) => r.expires_at === null || Number(r.expires_at) > nowMs)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((r) => ({ id: r.id, recipients: recipientsOf({ userId: r.user_id, topic: r.topic }) }));
  };

  /**
   * Appends what one claimed schedule becomes, under the same locks as `append` / `appendShared`; unless critical,
   * not for those who muted it (their preferences at delivery time).
   */
  const deliver = async (t: Runner, due: DueRow, nowMs: number): Promise<DeliveredNotification[]> => {
    const text = JSON.stringify(due.data);
    const insert = async (userId: UserId | null, topic: string | null): Promise<NotificationId> =>
      (await t<{ id: NotificationId }>(sql.insert, [userId, topic, due.type, text, due.category, nowMs, due.expires_at, due.id]))[0]!.id;
    const view = (id: NotificationId): Notification =>
      notificationOf({ type: due.type, id, timestamp: nowMs, data: due.data, read: false, category: due.category });
    const { audience } = due;
    const category = due.category ?? undefined;
    const extra = { critical: due.critical, ...(due.expires_at === null ? {} : { expiresAt: Number(due.expires_at) }) };
    if (audience.kind === 'users') {
      const muted = due.critical ? new Set<string>() : new Set((await t<{ user_id: string }>(sql.mutedAmong, [audience.users, muteCategory(category), due.type])).map((r) => r.user_id));
      await t(sql.lockShared, [lockKey]);
      const delivered: DeliveredNotification[] = [];
      // Users in one order, so that two claims never wait on each other's user rows in a cycle.
      for (const userId of audience.users.filter((u) => !muted.has(u)).sort()) {
        await t(sql.lockUser, [userId]);
        delivered.push({ scheduleId: due.id, notification: view(await insert(userId, null)), recipients: { kind: 'user', userId }, ...extra });
      }
      return delivered;
    }
    await t(sql.lockExclusive, [lockKey]);
    const id = await insert(null, audience.kind === 'topic' ? audience.topic : null);
    if (!due.critical) await preferences.muteShared(t, id, audience, category, due.type);
    return [{ scheduleId: due.id, notification: view(id), recipients: audience, ...extra }];
  };

  return {
    async schedule(input: NewScheduledNotification): Promise<ScheduleId> {
      if (input.audience.kind === 'topic') checkTopic(input.audience.topic);
      const id = `sched_${randomUUID()}`;
      const values = [id, JSON.stringify(input.audience), input.type, JSON.stringify(input.data), input.category ?? null, input.deliverAt, input.expiresAt ?? null, input.critical === true];
      await run(sql.schedule, values);
      return id;
    },

    /** One schedule per transaction: its row lock, taken first, is held until its notifications commit. */
    async claimDue(nowMs: number, limit: number): Promise<DeliveredNotification[]> {
      // Called several times a second by every node: one read first, so that an idle store holds back no write.
      if ((await run(sql.anyDue, [nowMs])).length === 0) return [];
      const delivered: DeliveredNotification[] = [];
      for (let i = 0; i < limit; i++) {
        const claimed = await tx(async (t) => {
          const [due] = await t<DueRow>(sql.due, [nowMs]);
          if (!due) return undefined;
          const expired = due.expires_at !== null && Number(due.expires_at) <= nowMs;
          await t(sql.setState, [due.id, expired ? 'expired' : 'delivered']);
          return expired ? [] : deliver(t, due, nowMs);
        });
        if (claimed === undefined) break;
        delivered.push(...claimed);
      }
      return delivered;
    },

    remove(id: string): Promise<RemoveOutcome> {
      return tx(async (t): Promise<RemoveOutcome> => {
        if (scheduleIdPattern.test(id)) {
          // Waits for a claim in flight (its row lock); once it committed the schedule is delivered and retracted below.
          if ((await t(sql.cancel, [id])).length > 0) return { outcome: 'cancelled' };
          const [row] = await t<{ state: string }>(sql.stateOf, [id]);
          if (!row) return { outcome: 'unknown' };
          if (row.state !== 'delivered') return { outcome: 'cancelled' };
          const removed = removedOf(await t<StoredRow>(sql.retractSchedule, [id]));
          await webhookEvents.retracted(t, removed.map((r) => r.id));
          return { outcome: 'retracted', removed };
        }
        if (!idPattern.test(id)) return { outcome: 'unknown' };
        const seq = String(BigInt(id));
        const rows = await t<StoredRow>(sql.retractOne, [seq]);
        if (rows.length === 0 && (await t(sql.exists, [seq])).length === 0) return { outcome: 'unknown' };
        const removed = removedOf(rows);
        await webhookEvents.retracted(t, removed.map((r) => r.id));
        return { outcome: 'retracted', removed };
      });
    },

    async expiredBetween(afterMs: number, upToMs: number): Promise<RemovedNotification[]> {
      const rows = await run<StoredRow>(sql.expired, [Math.floor(afterMs), Math.floor(upToMs)]);
      return rows.map((r) => ({ id: r.id, recipients: recipientsOf({ userId: r.user_id, topic: r.topic }) }));
    },
  };
}
