// The memory store's Web Push surface: subscriptions by endpoint, and the shared-push queue, in this process only.
import { randomUUID } from 'node:crypto';
import type { NotificationId, UserId } from '../store.js';
import { newWebPushSubscriptionId, type WebPushJob, type WebPushStore, type WebPushSubscriptionRecord } from '../web-push.js';

export interface MemoryWebPushDeps {
  live(): void;
  /** True when the user turned this push off for Web Push (there or at the top level). */
  mutesWebPush(userId: UserId, category: string | undefined, type: string): boolean;
  /** True when the notification is kept and neither retracted nor expired at `nowMs`. */
  visible(id: NotificationId, nowMs: number): boolean;
}

export function memoryWebPush({ live, mutesWebPush, visible }: MemoryWebPushDeps): WebPushStore {
  const byEndpoint = new Map<string, WebPushSubscriptionRecord>();
  const jobs = new Map<string, WebPushJob & { leaseUntil: number; seq: number }>();
  let jobSeq = 0;
  const ofUser = (userId: UserId): WebPushSubscriptionRecord[] =>
    [...byEndpoint.values()].filter((s) => s.userId === userId).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const copy = (s: WebPushSubscriptionRecord): WebPushSubscriptionRecord => ({ ...s });

  return {
    async register(userId, endpoint, { maxPerUser, nowMs }) {
      live();
      const existing = byEndpoint.get(endpoint.endpoint);
      const subscription: WebPushSubscriptionRecord = {
        ...endpoint,
        id: existing?.userId === userId ? existing.id : newWebPushSubscriptionId(),
        userId,
        createdAt: nowMs,
      };
      byEndpoint.set(endpoint.endpoint, subscription);
      const mine = ofUser(userId);
      const dropped = mine.slice(0, Math.max(0, mine.length - maxPerUser)).filter((s) => s.id !== subscription.id);
      for (const s of dropped) byEndpoint.delete(s.endpoint);
      const movedFrom = existing && existing.userId !== userId ? existing.userId : undefined;
      return { subscription: copy(subscription), created: existing?.userId !== userId, dropped: dropped.map(copy), ...(movedFrom ? { movedFrom } : {}) };
    },

    async remove(id, userId) {
      live();
      for (const s of byEndpoint.values()) {
        if (s.id !== id || (userId !== undefined && s.userId !== userId)) continue;
        byEndpoint.delete(s.endpoint);
        return copy(s);
      }
      return undefined;
    },

    async byEndpoint(endpoint) {
      live();
      const s = byEndpoint.get(endpoint);
      return s && copy(s);
    },

    async list(userId) {
      live();
      return ofUser(userId).map(copy);
    },

    async targets(users, filter) {
      live();
      const wanted = new Set(users);
      return [...byEndpoint.values()]
        .filter((s) => wanted.has(s.userId) && (filter.critical || !mutesWebPush(s.userId, filter.category, filter.type)))
        .sort((a, b) => a.userId.localeCompare(b.userId) || a.createdAt - b.createdAt)
        .map(copy);
    },

    async subscribedUsers(after, limit) {
      live();
      const users = [...new Set([...byEndpoint.values()].map((s) => s.userId))].filter((u) => after === null || u > after).sort();
      return users.slice(0, limit);
    },

    async visible(ids, nowMs) {
      live();
      return new Set(ids.filter((id) => visible(id, nowMs)));
    },

    async enqueue(job) {
      live();
      const id = randomUUID();
      jobs.set(id, { ...structuredClone(job), id, cursor: null, leaseUntil: 0, seq: ++jobSeq });
    },

    async claim(nowMs, leaseMs) {
      live();
      const free = [...jobs.values()].filter((j) => j.leaseUntil <= nowMs).sort((a, b) => a.seq - b.seq)[0];
      if (!free) return undefined;
      free.leaseUntil = nowMs + leaseMs;
      const { leaseUntil: _lease, seq: _seq, ...job } = free;
      return { ...job };
    },

    async advance(jobId, cursor, leaseUntilMs) {
      live();
      const job = jobs.get(jobId);
      if (!job) return;
      job.cursor = cursor;
      job.leaseUntil = leaseUntilMs;
    },

    async finish(jobId) {
      live();
      jobs.delete(jobId);
    },
  };
}
