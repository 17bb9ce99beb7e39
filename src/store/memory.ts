// In-memory NotificationStore: single process, nothing survives a restart (tests and `--store memory`).
import type { Notification } from '../../generated/index.js';
import {
  uncategorized,
  type AppendResult,
  type NewNotification,
  type NewSharedNotification,
  type NotificationId,
  type NotificationStore,
  type Page,
  type PageQuery,
  type ReadResult,
  type SharedAudience,
  type TopicName,
  type UnreadSummary,
  type UserId,
} from './store.js';
import { checkCursor, checkPageLimit, checkSinceLimit, checkSubscriberLimit, checkTopic, formatId, notificationOf, originId } from './arguments.js';

interface Row {
  id: NotificationId;
  seq: number;
  /** Set for a notification to one user; absent for broadcast and topic notifications (stored once). */
  userId: UserId | undefined;
  topic: TopicName | undefined;
  type: Notification['type'];
  data: Notification['data'];
  category: string | undefined;
  timestamp: number;
  idempotencyKey: string | undefined;
}

/** A subscription period: topic notifications with `from < seq <= until` are in the user's feed. */
interface Membership {
  from: number;
  until: number | undefined;
}

interface User {
  /** Broadcasts with a larger seq reach the user. */
  knownFrom: number;
  own: Row[];
  byKey: Map<string, Row>;
  /** Per-user state, only where the user changed it. */
  read: Set<NotificationId>;
  topics: Map<TopicName, Membership[]>;
}

/**
 * Opens a store that keeps everything in this process's memory. Single-node only: two processes
 * never see each other's notifications. "Durable" here means "stored before the promise resolves".
 * Ids come from one counter (16-digit zero-padded), so every feed sorts in append order.
 */
export function openMemoryStore(): NotificationStore {
  const users = new Map<UserId, User>();
  const rows = new Map<number, Row>();
  const broadcasts: Row[] = [];
  const topics = new Map<TopicName, { rows: Row[]; members: Set<UserId> }>();
  let lastSeq = 0;
  let closed = false;

  const live = (): void => {
    if (closed) throw new Error('NotificationStore is closed');
  };
  const user = (userId: UserId): User => {
    let u = users.get(userId);
    if (!u) {
      u = { knownFrom: lastSeq, own: [], byKey: new Map(), read: new Set(), topics: new Map() };
      users.set(userId, u);
    }
    return u;
  };
  const topicOf = (topic: TopicName) => {
    let t = topics.get(topic);
    if (!t) {
      t = { rows: [], members: new Set() };
      topics.set(topic, t);
    }
    return t;
  };
  const newRow = (input: Omit<NewNotification, 'userId'>, userId: UserId | undefined, topic: TopicName | undefined): Row => {
    const seq = ++lastSeq;
    const row: Row = {
      id: formatId(seq), seq, userId, topic, type: input.type, data: structuredClone(input.data),
      category: input.category, timestamp: input.timestamp, idempotencyKey: input.idempotencyKey,
    };
    rows.set(seq, row);
    return row;
  };
  const inTopicFeed = (u: User, row: Row): boolean =>
    (u.topics.get(row.topic!) ?? []).some((m) => row.seq > m.from && (m.until === undefined || row.seq <= m.until));
  const inFeed = (userId: UserId, u: User, row: Row): boolean =>
    row.userId !== undefined ? row.userId === userId : row.topic === undefined ? row.seq > u.knownFrom : inTopicFeed(u, row);
  /** The user's feed, ascending. */
  const feed = (userId: UserId): Row[] => {
    const u = users.get(userId);
    if (!u) return [];
    const out = [...u.own, ...broadcasts.filter((r) => r.seq > u.knownFrom)];
    for (const topic of u.topics.keys()) out.push(...(topics.get(topic)?.rows ?? []).filter((r) => inTopicFeed(u, r)));
    return out.sort((a, b) => a.seq - b.seq);
  };
  const view = (userId: UserId, r: Row): Notification =>
    notificationOf({ ...r, data: structuredClone(r.data), read: users.get(userId)?.read.has(r.id) ?? false });
  const unreadCount = (userId: UserId): number => {
    const u = users.get(userId);
    return u ? feed(userId).filter((r) => !u.read.has(r.id)).length : 0;
  };

  return {
    async append(input: NewNotification): Promise<AppendResult> {
      live();
      const u = user(input.userId);
      if (input.idempotencyKey !== undefined) {
        const seen = u.byKey.get(input.idempotencyKey);
        if (seen) return { notification: view(input.userId, seen), created: false };
      }
      const row = newRow(input, input.userId, undefined);
      u.own.push(row);
      if (row.idempotencyKey !== undefined) u.byKey.set(row.idempotencyKey, row);
      return { notification: view(input.userId, row), created: true };
    },

    async appendShared(input: NewSharedNotification): Promise<Notification> {
      live();
      const { audience, ...rest } = input;
      if (audience.kind === 'topic') checkTopic(audience.topic);
      const row = newRow(rest, undefined, audience.kind === 'topic' ? audience.topic : undefined);
      (audience.kind === 'topic' ? topicOf(audience.topic).rows : broadcasts).push(row);
      return notificationOf({ ...row, data: structuredClone(row.data), read: false });
    },

    async recipientsAmong(id: NotificationId, _audience: SharedAudience, candidates: readonly UserId[]): Promise<UserId[]> {
      live();
      const row = rows.get(Number(id));
      if (!row) return [];
      return candidates.filter((userId) => {
        const u = users.get(userId);
        return u !== undefined && inFeed(userId, u, row);
      });
    },

    async audienceSize(id: NotificationId, _audience: SharedAudience): Promise<number> {
      live();
      const row = rows.get(Number(id));
      if (!row) return 0;
      let n = 0;
      for (const [userId, u] of users) if (inFeed(userId, u, row)) n++;
      return n;
    },

    async touchUser(userId: UserId): Promise<void> {
      live();
      user(userId);
    },

    async subscribe(topic: TopicName, list: readonly UserId[]): Promise<void> {
      live();
      checkTopic(topic);
      const t = topicOf(topic);
      for (const userId of list) {
        if (t.members.has(userId)) continue;
        t.members.add(userId);
        const periods = user(userId).topics.get(topic) ?? [];
        periods.push({ from: lastSeq, until: undefined });
        user(userId).topics.set(topic, periods);
      }
    },

    async unsubscribe(topic: TopicName, list: readonly UserId[]): Promise<void> {
      live();
      checkTopic(topic);
      const t = topics.get(topic);
      for (const userId of list) {
        if (!t?.members.delete(userId)) continue;
        const open = users.get(userId)!.topics.get(topic)!.at(-1)!;
        open.until = lastSeq;
      }
    },

    async subscribers(topic: TopicName, query: { after?: UserId; limit: number }) {
      live();
      checkTopic(topic);
      checkSubscriberLimit(query.limit);
      const all = [...(topics.get(topic)?.members ?? [])].sort().filter((u) => query.after === undefined || u > query.after);
      const list = all.slice(0, query.limit);
      return { users: list, nextCursor: all.length > query.limit ? list.at(-1)! : null };
    },

    async page(userId: UserId, query: PageQuery): Promise<Page> {
      live();
      checkPageLimit(query.limit);
      checkCursor(query.before);
      const read = users.get(userId)?.read;
      const picked = feed(userId)
        .reverse()
        .filter((r) => (query.before === undefined || r.id < query.before) && !(query.unreadOnly && read?.has(r.id)));
      const list = picked.slice(0, query.limit);
      return { notifications: list.map((r) => view(userId, r)), nextCursor: picked.length > query.limit ? list.at(-1)!.id : null };
    },

    async since(userId: UserId, after: NotificationId, limit: number) {
      live();
      checkSinceLimit(limit);
      const all = feed(userId);
      if (after === originId) return all.slice(0, limit).map((r) => view(userId, r));
      if (!all.some((r) => r.id === after)) return 'gone';
      return all.filter((r) => r.id > after).slice(0, limit).map((r) => view(userId, r));
    },

    async unreadSummary(userId: UserId): Promise<UnreadSummary> {
      live();
      const read = users.get(userId)?.read;
      const unreadByCategory: Record<string, number> = {};
      let count = 0;
      for (const r of feed(userId)) {
        if (read?.has(r.id)) continue;
        count++;
        const c = r.category ?? uncategorized;
        unreadByCategory[c] = (unreadByCategory[c] ?? 0) + 1;
      }
      return { unreadCount: count, unreadByCategory };
    },

    async latestId(userId: UserId): Promise<NotificationId | null> {
      live();
      return feed(userId).at(-1)?.id ?? null;
    },

    async markRead(userId: UserId, ids: readonly NotificationId[] | 'all'): Promise<ReadResult> {
      live();
      const all = feed(userId);
      const asked = ids === 'all' ? undefined : new Set(ids);
      const found = asked ? all.filter((r) => asked.has(r.id)) : all;
      const u = users.get(userId);
      const changed = u ? found.filter((r) => !u.read.has(r.id)) : [];
      for (const r of changed) u!.read.add(r.id);
      return { changed: changed.map((r) => r.id), found: found.map((r) => r.id), unreadCount: unreadCount(userId) };
    },

    async prune(olderThanMs: number): Promise<number> {
      live();
      let removed = 0;
      const gone = (r: Row): boolean => r.timestamp < olderThanMs;
      for (const r of rows.values()) {
        if (!gone(r)) continue;
        removed++;
        rows.delete(r.seq);
        for (const u of users.values()) u.read.delete(r.id);
      }
      for (const u of users.values()) {
        for (const r of u.own.filter(gone)) if (r.idempotencyKey !== undefined) u.byKey.delete(r.idempotencyKey);
        u.own = u.own.filter((r) => !gone(r));
      }
      broadcasts.splice(0, broadcasts.length, ...broadcasts.filter((r) => !gone(r)));
      for (const t of topics.values()) t.rows = t.rows.filter((r) => !gone(r));
      return removed;
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}
