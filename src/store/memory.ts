// In-memory NotificationStore: single process, nothing survives a restart (tests and `--store memory`).
import type { Notification } from '../../generated/index.js';
import {
  uncategorized,
  type AppendResult,
  type NewNotification,
  type NotificationId,
  type NotificationStore,
  type Page,
  type PageQuery,
  type ReadResult,
  type UnreadSummary,
  type UserId,
} from './store.js';
import { checkCursor, checkPageLimit, checkSinceLimit, formatId, notificationOf, originId } from './arguments.js';

interface Row {
  id: NotificationId;
  userId: UserId;
  type: Notification['type'];
  data: Notification['data'];
  category: string | undefined;
  timestamp: number;
  read: boolean;
  idempotencyKey: string | undefined;
}

interface UserRows {
  /** Ascending by id (appends only ever add a larger id at the end). */
  rows: Row[];
  byId: Map<NotificationId, Row>;
  byKey: Map<string, Row>;
}

/**
 * Opens a store that keeps everything in this process's memory. Single-node only: two processes
 * never see each other's notifications. "Durable" here means "stored before the promise resolves".
 * Ids come from one counter (16-digit zero-padded), so they sort per user in append order.
 */
export function openMemoryStore(): NotificationStore {
  const users = new Map<UserId, UserRows>();
  let lastSeq = 0;
  let closed = false;

  const live = (): void => {
    if (closed) throw new Error('NotificationStore is closed');
  };
  const userRows = (userId: UserId): UserRows => {
    let u = users.get(userId);
    if (!u) {
      u = { rows: [], byId: new Map(), byKey: new Map() };
      users.set(userId, u);
    }
    return u;
  };
  const insert = (input: NewNotification): Row => {
    const u = userRows(input.userId);
    const row: Row = {
      id: formatId(++lastSeq),
      userId: input.userId,
      type: input.type,
      data: structuredClone(input.data),
      category: input.category,
      timestamp: input.timestamp,
      read: false,
      idempotencyKey: input.idempotencyKey,
    };
    u.rows.push(row);
    u.byId.set(row.id, row);
    if (row.idempotencyKey !== undefined) u.byKey.set(row.idempotencyKey, row);
    return row;
  };
  const unreadCount = (userId: UserId): number => users.get(userId)?.rows.filter((r) => !r.read).length ?? 0;

  return {
    async append(input: NewNotification): Promise<AppendResult> {
      live();
      if (input.idempotencyKey !== undefined) {
        const seen = users.get(input.userId)?.byKey.get(input.idempotencyKey);
        if (seen) return { notification: toNotification(seen), created: false };
      }
      return { notification: toNotification(insert(input)), created: true };
    },

    async appendBroadcast(input) {
      live();
      return [...users.keys()].map((userId) => ({ userId, notification: toNotification(insert({ ...input, userId })) }));
    },

    async touchUser(userId: UserId): Promise<void> {
      live();
      userRows(userId);
    },

    async page(userId: UserId, query: PageQuery): Promise<Page> {
      live();
      checkPageLimit(query.limit);
      checkCursor(query.before);
      const rows = users.get(userId)?.rows ?? [];
      const picked: Row[] = [];
      let more = false;
      for (let i = rows.length - 1; i >= 0; i--) {
        const r = rows[i]!;
        if (query.before !== undefined && r.id >= query.before) continue;
        if (query.unreadOnly && r.read) continue;
        if (picked.length === query.limit) {
          more = true;
          break;
        }
        picked.push(r);
      }
      return { notifications: picked.map(toNotification), nextCursor: more ? picked[picked.length - 1]!.id : null };
    },

    async since(userId: UserId, after: NotificationId, limit: number) {
      live();
      checkSinceLimit(limit);
      const u = users.get(userId);
      if (after === originId) return (u?.rows ?? []).slice(0, limit).map(toNotification);
      if (!u?.byId.has(after)) return 'gone';
      return u.rows.filter((r) => r.id > after).slice(0, limit).map(toNotification);
    },

    async latestId(userId: UserId): Promise<NotificationId | null> {
      live();
      return users.get(userId)?.rows.at(-1)?.id ?? null;
    },

    async unreadSummary(userId: UserId): Promise<UnreadSummary> {
      live();
      const unreadByCategory: Record<string, number> = {};
      let count = 0;
      for (const r of users.get(userId)?.rows ?? []) {
        if (r.read) continue;
        count++;
        const c = r.category ?? uncategorized;
        unreadByCategory[c] = (unreadByCategory[c] ?? 0) + 1;
      }
      return { unreadCount: count, unreadByCategory };
    },

    async markRead(userId: UserId, ids: readonly NotificationId[] | 'all'): Promise<ReadResult> {
      live();
      const u = users.get(userId);
      const targets = !u ? [] : ids === 'all' ? u.rows : [...new Set(ids)].flatMap((id) => u.byId.get(id) ?? []);
      const found = [...targets].sort((a, b) => (a.id < b.id ? -1 : 1));
      const changed = found.filter((r) => !r.read);
      for (const r of changed) r.read = true;
      return { changed: changed.map((r) => r.id), found: found.map((r) => r.id), unreadCount: unreadCount(userId) };
    },

    async prune(olderThanMs: number): Promise<number> {
      live();
      let removed = 0;
      for (const u of users.values()) {
        const keep = u.rows.filter((r) => r.timestamp >= olderThanMs);
        for (const r of u.rows) {
          if (r.timestamp >= olderThanMs) continue;
          removed++;
          u.byId.delete(r.id);
          if (r.idempotencyKey !== undefined) u.byKey.delete(r.idempotencyKey);
        }
        u.rows = keep;
      }
      return removed;
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}

function toNotification(r: Row): Notification {
  return notificationOf({ ...r, data: structuredClone(r.data) });
}
