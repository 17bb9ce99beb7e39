// In-memory NotificationStore: single process, nothing survives a restart (tests and `--store memory`).
import type { Notification } from '../../../generated/index.js';
import {
  uncategorized,
  type NewNotification,
  type NotificationId,
  type NotificationStore,
  type SharedAudience,
  type TopicName,
  type UnreadSummary,
  type UserId,
} from '../store.js';
import { recipientsOf, type RemovedNotification, type ScheduleId } from '../timing.js';
import { checkCursor, checkPageLimit, checkSinceLimit, checkSubscriberLimit, checkTopic, formatId, notificationOf, originId } from '../arguments.js';
import { MutedIndex } from '../preference-rows.js';
import { memoryWebPush } from './web-push.js';
import { keysetPage } from '../keyset-page.js';
import { memoryApiKeys } from './api-keys.js';
import { applied, untouched, type Row, type Schedule, type State, type User } from './rows.js';
import { memoryTiming } from './timing.js';
import { memoryWebhooks } from './webhooks.js';

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
  const schedules = new Map<ScheduleId, Schedule>();
  /** Rows with an expiry, so that the several-times-a-second expiry sweep does not walk every row. */
  let expiring: Row[] = [];
  let lastSeq = 0;
  let closed = false;
  const preferences = new MutedIndex();

  const live = (): void => {
    if (closed) throw new Error('NotificationStore is closed');
  };
  const user = (userId: UserId): User => {
    let u = users.get(userId);
    if (!u) {
      u = { knownFrom: lastSeq, own: [], byKey: new Map(), states: new Map(), topics: new Map() };
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
  const newRow = (input: Omit<NewNotification, 'userId'>, userId: UserId | undefined, topic: TopicName | undefined, scheduleId?: ScheduleId): Row => {
    const seq = ++lastSeq;
    const row: Row = {
      id: formatId(seq), seq, userId, topic, type: input.type, data: structuredClone(input.data),
      category: input.category, timestamp: input.timestamp, idempotencyKey: input.idempotencyKey,
      expiresAt: input.expiresAt, retracted: false, scheduleId,
    };
    rows.set(seq, row);
    if (row.expiresAt !== undefined) expiring.push(row);
    return row;
  };
  const inTopicFeed = (u: User, row: Row): boolean =>
    (u.topics.get(row.topic!) ?? []).some((m) => row.seq > m.from && (m.until === undefined || row.seq <= m.until));
  const inFeed = (userId: UserId, u: User, row: Row): boolean =>
    row.userId !== undefined ? row.userId === userId : row.topic === undefined ? row.seq > u.knownFrom : inTopicFeed(u, row);
  /** The user's feed, ascending, deleted ones included. */
  const fullFeed = (userId: UserId): Row[] => {
    const u = users.get(userId);
    if (!u) return [];
    const out = [...u.own, ...broadcasts.filter((r) => r.seq > u.knownFrom)];
    for (const topic of u.topics.keys()) out.push(...(topics.get(topic)?.rows ?? []).filter((r) => inTopicFeed(u, r)));
    return out.sort((a, b) => a.seq - b.seq);
  };
  const stateOf = (userId: UserId, id: NotificationId): State => users.get(userId)?.states.get(id) ?? untouched;
  const visible = (r: Row, nowMs: number): boolean => !r.retracted && (r.expiresAt === undefined || r.expiresAt > nowMs);
  /** The user's feed, ascending, without the notifications they deleted, expired or retracted ones. */
  const feed = (userId: UserId): Row[] => {
    const nowMs = Date.now();
    return fullFeed(userId).filter((r) => visible(r, nowMs) && !stateOf(userId, r.id).deleted);
  };
  const shareRow = (row: Row, audience: SharedAudience): void => {
    (audience.kind === 'topic' ? topicOf(audience.topic).rows : broadcasts).push(row);
  };
  /** Retracts rows; returns those that were still visible. */
  const retract = (list: readonly Row[]): RemovedNotification[] => {
    const nowMs = Date.now();
    const removed = list.filter((r) => visible(r, nowMs)).map((r) => ({ id: r.id, recipients: recipientsOf(r) }));
    for (const r of list) r.retracted = true;
    webhooks.events.retracted(removed.map((r) => r.id));
    return removed;
  };
  /** Rows whose expiry passed in (afterMs, upToMs], oldest expiry first (not retracted ones). */
  const expiredRows = (afterMs: number, upToMs: number): Row[] =>
    expiring.filter((r) => !r.retracted && r.expiresAt! > afterMs && r.expiresAt! <= upToMs).sort((a, b) => a.expiresAt! - b.expiresAt! || a.seq - b.seq);
  const webhooks = memoryWebhooks({
    rowOf: (id) => rows.get(Number(id)),
    stateOf,
    expiredBetween: expiredRows,
    oldestSeq: () => rows.keys().next().value ?? lastSeq + 1,
    live,
  });
  const view = (userId: UserId, r: Row): Notification =>
    notificationOf({ ...r, data: structuredClone(r.data), read: stateOf(userId, r.id).read });
  const summary = (userId: UserId): UnreadSummary => {
    const unreadByCategory: Record<string, number> = {};
    let unreadCount = 0;
    let unseenCount = 0;
    for (const r of feed(userId)) {
      const state = stateOf(userId, r.id);
      if (state.archived || state.read) continue;
      unreadCount++;
      if (!state.seen) unseenCount++;
      const c = r.category ?? uncategorized;
      unreadByCategory[c] = (unreadByCategory[c] ?? 0) + 1;
    }
    return { unreadCount, unseenCount, unreadByCategory };
  };

  const store: NotificationStore = {
    apiKeys: memoryApiKeys(live),
    async append(input) {
      live();
      const u = user(input.userId);
      if (input.idempotencyKey !== undefined) {
        const seen = u.byKey.get(input.idempotencyKey);
        if (seen) return { notification: view(input.userId, seen), created: false };
      }
      const row = newRow(input, input.userId, undefined);
      u.own.push(row);
      if (row.idempotencyKey !== undefined) u.byKey.set(row.idempotencyKey, row);
      if (input.markDelivered) webhooks.events.delivered(input.userId, row.id);
      return { notification: view(input.userId, row), created: true };
    },

    async appendUnlessMuted(input) {
      live();
      if (input.idempotencyKey === undefined || !users.get(input.userId)?.byKey.has(input.idempotencyKey)) {
        if (preferences.mutedFor(input.category, input.type).has(input.userId)) return 'muted';
      }
      return store.append(input);
    },

    appendMany(appends) {
      return Promise.allSettled(appends.map(({ input, unlessMuted }) => (unlessMuted ? store.appendUnlessMuted(input) : store.append(input))));
    },

    async appendSharedUnlessMuted(input) {
      const notification = await store.appendShared(input);
      const row = rows.get(Number(notification.id))!;
      let muted = 0;
      for (const userId of preferences.mutedFor(input.category, input.type)) {
        const u = users.get(userId);
        if (!u || !inFeed(userId, u, row)) continue;
        u.states.set(row.id, { ...untouched, deleted: true });
        muted++;
      }
      return { notification, muted };
    },

    async appendShared(input) {
      live();
      const { audience, ...rest } = input;
      if (audience.kind === 'topic') checkTopic(audience.topic);
      const row = newRow(rest, undefined, audience.kind === 'topic' ? audience.topic : undefined);
      shareRow(row, audience);
      return notificationOf({ ...row, data: structuredClone(row.data), read: false });
    },

    async recipientsAmong(id, _audience, candidates) {
      live();
      const row = rows.get(Number(id));
      if (!row) return [];
      return candidates.filter((userId) => {
        const u = users.get(userId);
        return u !== undefined && inFeed(userId, u, row) && !stateOf(userId, id).deleted;
      });
    },

    async audienceSize(id, _audience) {
      live();
      const row = rows.get(Number(id));
      if (!row) return 0;
      let n = 0;
      for (const [userId, u] of users) if (inFeed(userId, u, row)) n++;
      return n;
    },

    async touchUser(userId) {
      live();
      user(userId);
    },

    async subscribe(topic, list) {
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

    async unsubscribe(topic, list) {
      live();
      checkTopic(topic);
      const t = topics.get(topic);
      for (const userId of list) {
        if (!t?.members.delete(userId)) continue;
        const open = users.get(userId)!.topics.get(topic)!.at(-1)!;
        open.until = lastSeq;
      }
    },

    async subscribers(topic, query) {
      live();
      checkTopic(topic);
      checkSubscriberLimit(query.limit);
      const all = [...(topics.get(topic)?.members ?? [])].sort().filter((u) => query.after === undefined || u > query.after);
      const { listed: users, nextCursor } = keysetPage(all, query.limit, (userId) => userId);
      return { users, nextCursor };
    },

    async page(userId, query) {
      live();
      checkPageLimit(query.limit);
      checkCursor(query.before);
      const picked = feed(userId)
        .reverse()
        .filter((r) => {
          const state = stateOf(userId, r.id);
          return (query.before === undefined || r.id < query.before) && !(query.unreadOnly && state.read) && state.archived === (query.archived ?? false)
            && (query.category === undefined || (r.category ?? uncategorized) === query.category) && (query.type === undefined || r.type === query.type);
        });
      const { listed, nextCursor } = keysetPage(picked, query.limit, (r) => r.id);
      return {
        notifications: listed.map((r) => view(userId, r)),
        unseenIds: listed.filter((r) => !stateOf(userId, r.id).seen).map((r) => r.id),
        nextCursor,
      };
    },

    async since(userId, after, limit) {
      live();
      checkSinceLimit(limit);
      // A resume point the user deleted since still resumes (the gap is provable); deleted ones are not sent.
      if (after === originId) return feed(userId).slice(0, limit).map((r) => view(userId, r));
      if (!fullFeed(userId).some((r) => r.id === after)) return 'gone';
      return feed(userId).filter((r) => r.id > after).slice(0, limit).map((r) => view(userId, r));
    },

    async unreadSummary(userId) {
      live();
      return summary(userId);
    },

    async unreadCounts(users) {
      live();
      return new Map(users.map((userId) => {
        const { unreadCount, unseenCount } = summary(userId);
        return [userId, { unreadCount, unseenCount }];
      }));
    },

    async latestId(userId) {
      live();
      return fullFeed(userId).at(-1)?.id ?? null;
    },

    async changeState(userId, ids, change) {
      live();
      const all = feed(userId);
      const asked = ids === 'all' ? undefined : new Set(ids);
      const found = asked ? all.filter((r) => asked.has(r.id)) : all;
      const changed: NotificationId[] = [];
      const u = users.get(userId);
      for (const r of found) {
        const next = applied(stateOf(userId, r.id), change);
        if (!next || !u) continue;
        u.states.set(r.id, next);
        changed.push(r.id);
      }
      webhooks.events.stateChanged(userId, change, changed);
      const { unreadCount, unseenCount } = summary(userId);
      return { changed, found: found.map((r) => r.id), unreadCount, unseenCount };
    },

    markRead(userId, ids) {
      return store.changeState(userId, ids, 'read');
    },

    async mutedNames(userId) {
      live();
      return preferences.namesOf(userId);
    },

    async setPreferences(userId, change, mode) {
      live();
      const muted = preferences.set(userId, change, mode);
      webhooks.events.preferencesUpdated(userId, muted);
      return muted;
    },

    async prune(olderThanMs) {
      live();
      let removed = 0;
      const gone = (r: Row): boolean => r.timestamp < olderThanMs || (r.expiresAt !== undefined && r.expiresAt < olderThanMs);
      for (const [id, s] of schedules) if (s.state !== 'pending' && s.input.deliverAt < olderThanMs) schedules.delete(id);
      for (const r of rows.values()) {
        if (!gone(r)) continue;
        removed++;
        rows.delete(r.seq);
        for (const u of users.values()) u.states.delete(r.id);
      }
      for (const u of users.values()) {
        for (const r of u.own.filter(gone)) if (r.idempotencyKey !== undefined) u.byKey.delete(r.idempotencyKey);
        u.own = u.own.filter((r) => !gone(r));
      }
      broadcasts.splice(0, broadcasts.length, ...broadcasts.filter((r) => !gone(r)));
      expiring = expiring.filter((r) => !gone(r));
      for (const t of topics.values()) t.rows = t.rows.filter((r) => !gone(r));
      return removed;
    },

    ...memoryTiming({ live, schedules, rows: () => rows.values(), rowOf: (id) => rows.get(Number(id)), expiredRows, newRow, user, users, shareRow, inFeed, view, preferences, retract }),

    webhooks: webhooks.store,
    webPush: memoryWebPush({
      live,
      mutesWebPush: (userId, category, type) => preferences.mutesWebPush(userId, category, type),
      visible: (id, nowMs) => {
        const row = rows.get(Number(id));
        return row !== undefined && visible(row, nowMs);
      },
    }),

    async close() {
      closed = true;
    },
  };
  return store;
}
