// The memory store's webhook part: endpoints, the outbox and dead letters in this process, and the event rows its writes add.
import type { WebhookEventType } from '../../../generated/index.js';
import type { MutedNames, NotificationId, StateChange, UserId } from '../store.js';
import { expiryOverlapMs, type ClaimedWebhook, type DeadWebhook, type WebhookEndpoint, type WebhookStore } from '../webhooks.js';
import { audienceFields, keptError, newEndpointId, newEventId, stateEvents, testEventData } from '../webhook-rows.js';
import { recipientsOf } from '../timing.js';
import type { Row, State } from './rows.js';

interface Endpoint extends WebhookEndpoint {
  secret: string;
  failingSince: number | undefined;
}

interface OutboxRow {
  seq: number;
  eventId: string;
  endpointId: string;
  type: WebhookEventType;
  orderKey: string;
  data: Record<string, unknown>;
  createdAt: number;
  state: 'pending' | 'sent' | 'dead';
  attempts: number;
  nextAt: number;
  leaseUntil: number;
  windowStart: number;
  lastError: string;
  dedupe: string | undefined;
}

/** What the webhook part reads of the memory store's rows. */
export interface MemoryRows {
  rowOf(id: NotificationId): Row | undefined;
  stateOf(userId: UserId, id: NotificationId): State;
  /** Rows (not retracted) whose expiry is in (afterMs, upToMs], oldest expiry first. */
  expiredBetween(afterMs: number, upToMs: number): Row[];
  oldestSeq(): number;
  live(): void;
}

/** The webhook part of a memory store: `store` and `events`, the rows its writes add at once (nothing is shared with other processes). */
export function memoryWebhooks(rows: MemoryRows) {
  const endpoints = new Map<string, Endpoint>();
  const outbox = new Map<number, OutboxRow>();
  const delivered = new Set<string>();
  let lastSeq = 0;
  let expiryCursor: number | undefined;
  let wanted = new Set<string>();
  const readWanted = (): void => {
    const before = wanted.has('notification.expired');
    wanted = new Set([...endpoints.values()].filter((e) => e.enabled).flatMap((e) => e.events));
    if (!before && wanted.has('notification.expired')) expiryCursor = Math.max(expiryCursor ?? 0, Date.now());
  };
  const listed = ({ secret: _secret, failingSince: _failing, ...endpoint }: Endpoint): WebhookEndpoint => structuredClone(endpoint);

  const enqueue = (type: WebhookEventType, orderKey: string, data: Record<string, unknown>, nowMs: number, dedupe?: string): number => {
    const eventId = newEventId();
    let queued = 0;
    for (const e of endpoints.values()) {
      if (!e.enabled || !e.events.includes(type)) continue;
      if (dedupe !== undefined && [...outbox.values()].some((r) => r.endpointId === e.id && r.dedupe === dedupe)) continue;
      const seq = ++lastSeq;
      outbox.set(seq, { seq, eventId, endpointId: e.id, type, orderKey, data: structuredClone(data), createdAt: nowMs, state: 'pending', attempts: 0, nextAt: nowMs, leaseUntil: 0, windowStart: nowMs, lastError: '', dedupe });
      queued++;
    }
    return queued;
  };
  const notificationData = (userId: UserId, row: Row): Record<string, unknown> => ({
    userId,
    notificationId: row.id,
    notificationType: row.type,
    ...(row.category === undefined ? {} : { category: row.category }),
  });
  const removalData = (row: Row): Record<string, unknown> => ({
    notificationId: row.id,
    notificationType: row.type,
    ...(row.category === undefined ? {} : { category: row.category }),
    ...audienceFields(recipientsOf({ userId: row.userId, topic: row.topic })),
  });
  const markDelivered = (userId: UserId, id: NotificationId, nowMs: number): number => {
    const key = `${userId}\u0000${id}`;
    const row = rows.rowOf(id);
    if (delivered.has(key) || !row) return 0;
    delivered.add(key);
    return enqueue('notification.delivered', userId, notificationData(userId, row), nowMs);
  };

  /** Event rows the memory store's writes add; each a no-op when no endpoint wants its type. */
  const events = {
    stateChanged(userId: UserId, change: StateChange, ids: readonly NotificationId[]): void {
      const type = stateEvents[change];
      if (ids.length === 0 || !wanted.has(type)) return;
      const nowMs = Date.now();
      for (const id of ids) {
        const row = rows.rowOf(id);
        if (row) enqueue(type, userId, { ...notificationData(userId, row), state: { ...rows.stateOf(userId, id) } }, nowMs);
      }
    },
    retracted(ids: readonly NotificationId[]): void {
      if (!wanted.has('notification.retracted')) return;
      const nowMs = Date.now();
      for (const id of ids) {
        const row = rows.rowOf(id);
        if (row) enqueue('notification.retracted', row.userId ?? `seq:${row.seq}`, removalData(row), nowMs);
      }
    },
    preferencesUpdated(userId: UserId, muted: MutedNames): void {
      if (wanted.has('preferences.updated')) enqueue('preferences.updated', userId, { userId, off: muted }, Date.now());
    },
    delivered(userId: UserId, id: NotificationId): void {
      if (wanted.has('notification.delivered')) markDelivered(userId, id, Date.now());
    },
  };

  const inFlightOrUntried = (r: OutboxRow, nowMs: number): boolean => r.state === 'pending' && (r.attempts === 0 || r.leaseUntil > nowMs);
  const sorted = (): OutboxRow[] => [...outbox.values()].sort((a, b) => a.seq - b.seq);

  const store: WebhookStore = {
    wants: (type) => wanted.has(type),
    async refreshWanted() {
      rows.live();
      readWanted();
    },
    async createEndpoint(input, nowMs) {
      rows.live();
      const endpoint: Endpoint = { id: newEndpointId(), url: input.url, events: [...input.events], enabled: true, createdAt: nowMs, secret: input.secret, failingSince: undefined };
      if (input.description !== undefined) endpoint.description = input.description;
      endpoints.set(endpoint.id, endpoint);
      readWanted();
      return listed(endpoint);
    },
    async listEndpoints() {
      rows.live();
      return [...endpoints.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map(listed);
    },
    async endpointWithSecret(id) {
      rows.live();
      const e = endpoints.get(id);
      return e && { ...listed(e), secret: e.secret };
    },
    async updateEndpoint(id, change) {
      rows.live();
      const e = endpoints.get(id);
      if (!e) return undefined;
      if (change.events !== undefined) e.events = [...change.events];
      if (change.description !== undefined) e.description = change.description;
      if (change.enabled !== undefined) e.enabled = change.enabled;
      if (e.enabled) {
        delete e.disabledReason;
        if (change.enabled) e.failingSince = undefined;
      } else if (change.disabledReason !== undefined) {
        e.disabledReason = change.disabledReason;
      }
      readWanted();
      return listed(e);
    },
    async deleteEndpoint(id) {
      rows.live();
      for (const r of outbox.values()) if (r.endpointId === id) outbox.delete(r.seq);
      const gone = endpoints.delete(id);
      readWanted();
      return gone;
    },
    async enqueueEvent(type, orderKey, data, nowMs) {
      rows.live();
      return enqueue(type, orderKey, data, nowMs);
    },
    async enqueueTest(id, nowMs) {
      rows.live();
      if (!endpoints.has(id)) return undefined;
      const eventId = newEventId();
      const seq = ++lastSeq;
      const data: Record<string, unknown> = { ...testEventData(id) };
      outbox.set(seq, { seq, eventId, endpointId: id, type: 'webhook.test', orderKey: eventId, data, createdAt: nowMs, state: 'pending', attempts: 0, nextAt: nowMs, leaseUntil: 0, windowStart: nowMs, lastError: '', dedupe: undefined });
      return eventId;
    },
    async claim(nowMs, limit, leaseUntilMs, busyEndpoints) {
      rows.live();
      const all = sorted();
      const claimed: ClaimedWebhook[] = [];
      for (const r of all) {
        if (claimed.length >= limit) break;
        if (r.state !== 'pending' || r.nextAt > nowMs || r.leaseUntil > nowMs || busyEndpoints.includes(r.endpointId)) continue;
        const held = all.some((p) => p.seq < r.seq && p.endpointId === r.endpointId && p.orderKey === r.orderKey && inFlightOrUntried(p, nowMs));
        if (held) continue;
        const e = endpoints.get(r.endpointId);
        if (!e?.enabled) continue;
        claimed.push({ seq: String(r.seq), eventId: r.eventId, endpointId: r.endpointId, url: e.url, secret: e.secret, type: r.type, data: structuredClone(r.data), createdAt: r.createdAt, attempts: r.attempts, windowStart: r.windowStart });
      }
      // Leased only after the choice, as one statement would: an earlier row claimed here still held later ones back.
      for (const c of claimed) outbox.get(Number(c.seq))!.leaseUntil = leaseUntilMs;
      return claimed;
    },
    async sent(seq) {
      rows.live();
      const r = outbox.get(Number(seq));
      if (!r) return;
      if (r.dedupe === undefined) outbox.delete(r.seq);
      else Object.assign(r, { state: 'sent', leaseUntil: 0 });
      const e = endpoints.get(r.endpointId);
      if (e) e.failingSince = undefined;
    },
    async failed(seq, failure, nowMs) {
      rows.live();
      const r = outbox.get(Number(seq));
      if (!r) return nowMs;
      Object.assign(r, { attempts: r.attempts + 1, leaseUntil: 0, lastError: keptError(failure.error), state: failure.retryAt === null ? 'dead' : 'pending', nextAt: failure.retryAt ?? r.nextAt });
      const e = endpoints.get(r.endpointId);
      if (!e) return nowMs;
      e.failingSince ??= nowMs;
      return e.failingSince;
    },
    async deadLetters(query) {
      rows.live();
      const after = query.after === undefined ? 0 : Number(query.after);
      return sorted()
        .filter((r) => r.state === 'dead' && r.seq > after && (query.endpointId === undefined || r.endpointId === query.endpointId))
        .slice(0, query.limit)
        .map((r): DeadWebhook => ({ seq: String(r.seq), eventId: r.eventId, endpointId: r.endpointId, type: r.type, createdAt: r.createdAt, attempts: r.attempts, lastError: r.lastError }));
    },
    async replay(query, nowMs) {
      rows.live();
      let n = 0;
      for (const r of outbox.values()) {
        if (r.state !== 'dead' || (query.endpointId !== undefined && r.endpointId !== query.endpointId) || (query.eventIds !== undefined && !query.eventIds.includes(r.eventId))) continue;
        Object.assign(r, { state: 'pending', attempts: 0, nextAt: nowMs, windowStart: nowMs, leaseUntil: 0 });
        n++;
      }
      return n;
    },
    async recordDelivered(sent, nowMs) {
      if (sent.length === 0 || !wanted.has('notification.delivered')) return 0;
      rows.live();
      return sent.reduce((queued, s) => queued + markDelivered(s.userId, s.notificationId, nowMs), 0);
    },
    async sweepExpired(nowMs, limit) {
      if (!wanted.has('notification.expired')) return 0;
      rows.live();
      const from = (expiryCursor ?? nowMs) - expiryOverlapMs;
      const due = rows.expiredBetween(from, nowMs).slice(0, limit);
      for (const row of due) enqueue('notification.expired', row.userId ?? `seq:${row.seq}`, removalData(row), row.expiresAt!, `expired:${row.seq}`);
      expiryCursor = due.length === limit ? due[due.length - 1]!.expiresAt! : nowMs;
      return due.length;
    },
    async stats() {
      rows.live();
      const pending = [...outbox.values()].filter((r) => r.state === 'pending');
      return {
        pending: pending.length,
        oldestPendingAt: pending.length === 0 ? null : Math.min(...pending.map((r) => r.createdAt)),
        dead: [...outbox.values()].filter((r) => r.state === 'dead').length,
      };
    },
    async prune(olderThanMs) {
      rows.live();
      for (const r of outbox.values()) if (r.state === 'sent' && r.createdAt < olderThanMs) outbox.delete(r.seq);
      const oldest = rows.oldestSeq();
      for (const key of delivered) if (Number(key.slice(key.indexOf('\u0000') + 1)) < oldest) delivered.delete(key);
    },
  };
  return { store, events };
}
