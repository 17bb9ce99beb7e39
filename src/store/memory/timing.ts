// The in-memory store's timing part: scheduled pushes (claimed when due), cancelling or retracting, expiries; SQLite and PostgreSQL keep theirs in timing.ts too.
import { randomUUID } from 'node:crypto';
import type { Notification } from '../../../generated/index.js';
import { checkTopic, notificationOf } from '../arguments.js';
import type { MutedIndex } from '../preference-rows.js';
import type { NewNotification, NotificationStore, SharedAudience, TopicName, UserId } from '../store.js';
import { recipientsOf, scheduleIdPattern, type DeliveredNotification, type RemovedNotification, type ScheduleId } from '../timing.js';
import { untouched, type Row, type Schedule, type User } from './rows.js';

export interface MemoryTimingDeps {
  live: () => void;
  schedules: Map<ScheduleId, Schedule>;
  /** Every row, and one by its id. */
  rows: () => Iterable<Row>;
  rowOf: (id: string) => Row | undefined;
  /** Rows whose expiry passed in (afterMs, upToMs], oldest first. */
  expiredRows: (afterMs: number, upToMs: number) => Row[];
  newRow: (input: Omit<NewNotification, 'userId'>, userId: UserId | undefined, topic: TopicName | undefined, scheduleId?: ScheduleId) => Row;
  user: (userId: UserId) => User;
  users: ReadonlyMap<UserId, User>;
  shareRow: (row: Row, audience: SharedAudience) => void;
  inFeed: (userId: UserId, u: User, row: Row) => boolean;
  view: (userId: UserId, row: Row) => Notification;
  preferences: MutedIndex;
  /** Retracts rows (webhook events included); returns those that were still visible. */
  retract: (list: readonly Row[]) => RemovedNotification[];
}

type Timing = Pick<NotificationStore, 'schedule' | 'claimDue' | 'remove' | 'expiredBetween'>;

export function memoryTiming({ live, schedules, rows, rowOf, expiredRows, newRow, user, users, shareRow, inFeed, view, preferences, retract }: MemoryTimingDeps): Timing {
  return {
    async schedule(input) {
      live();
      if (input.audience.kind === 'topic') checkTopic(input.audience.topic);
      const id = `sched_${randomUUID()}`;
      schedules.set(id, { input: structuredClone(input), state: 'pending' });
      return id;
    },

    async claimDue(nowMs, limit) {
      live();
      const due = [...schedules].filter(([, s]) => s.state === 'pending' && s.input.deliverAt <= nowMs)
        .sort(([, a], [, b]) => a.input.deliverAt - b.input.deliverAt).slice(0, limit);
      const delivered: DeliveredNotification[] = [];
      for (const [scheduleId, s] of due) {
        const { audience, deliverAt: _deliverAt, ...rest } = s.input;
        if (rest.expiresAt !== undefined && rest.expiresAt <= nowMs) {
          s.state = 'expired';
          continue;
        }
        s.state = 'delivered';
        const { critical, ...fields } = rest;
        const input = { ...fields, timestamp: nowMs };
        const extra = { critical: critical === true, ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }) };
        // Unless critical, those who muted it by now never get it (their preferences at delivery time).
        const muted = critical ? new Set<UserId>() : preferences.mutedFor(input.category, input.type);
        if (audience.kind === 'users') {
          for (const userId of audience.users.filter((u) => !muted.has(u))) {
            const row = newRow(input, userId, undefined, scheduleId);
            user(userId).own.push(row);
            delivered.push({ scheduleId, notification: view(userId, row), recipients: { kind: 'user', userId }, ...extra });
          }
        } else {
          const row = newRow(input, undefined, audience.kind === 'topic' ? audience.topic : undefined, scheduleId);
          shareRow(row, audience);
          for (const userId of muted) {
            const u = users.get(userId);
            if (u && inFeed(userId, u, row)) u.states.set(row.id, { ...untouched, deleted: true });
          }
          delivered.push({ scheduleId, notification: notificationOf({ ...row, data: structuredClone(row.data), read: false }), recipients: audience, ...extra });
        }
      }
      return delivered;
    },

    async remove(id) {
      live();
      if (scheduleIdPattern.test(id)) {
        const s = schedules.get(id);
        if (!s) return { outcome: 'unknown' };
        if (s.state !== 'delivered') {
          s.state = s.state === 'pending' ? 'cancelled' : s.state;
          return { outcome: 'cancelled' };
        }
        return { outcome: 'retracted', removed: retract([...rows()].filter((r) => r.scheduleId === id)) };
      }
      const row = /^\d{16}$/.test(id) ? rowOf(id) : undefined;
      return row ? { outcome: 'retracted', removed: retract([row]) } : { outcome: 'unknown' };
    },

    async expiredBetween(afterMs, upToMs) {
      live();
      return expiredRows(afterMs, upToMs).map((r) => ({ id: r.id, recipients: recipientsOf(r) }));
    },
  };
}
