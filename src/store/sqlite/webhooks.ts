// The SQLite store's webhook part: endpoints, the outbox and dead letters, and the event rows other writes add in their own transaction.
import type Database from 'better-sqlite3';
import type { WebhookEventType } from '../../../generated/index.js';
import type { MutedNames, NotificationId, StateChange, UserId } from '../store.js';
import { expiryOverlapMs, type ClaimedWebhook, type DeadWebhook, type WebhookStore } from '../webhooks.js';
import { audienceFields, endpointOf, keptError, newEndpointId, newEventId, stateEvents, testEventData, type EndpointRow } from '../webhook-rows.js';
import { formatId } from '../arguments.js';
import { recipientsOf } from '../timing.js';

/** Runs `run` in the store's next group-commit write transaction; `durable: false` skips the fsync when the batch holds nothing else. */
type Write = <T>(run: () => T, options?: { durable?: boolean }) => Promise<T>;
/** Writes whose loss in an OS crash only means an event is sent again (leases, outcomes): at least once allows it. */
const notSynced = { durable: false };

interface OutboxRow {
  seq: number;
  event_id: string;
  endpoint_id: string;
  url: string;
  secret: string;
  type: WebhookEventType;
  data: string;
  created_at: number;
  attempts: number;
  window_start: number;
}

interface NotificationFacts {
  seq: number;
  user_id: string | null;
  topic: string | null;
  type: string;
  category: string | null;
  seen: number | null;
  read: number | null;
  archived: number | null;
  deleted: number | null;
}

const endpointColumns = `id, url, events, description, enabled, disabled_reason, created_at`;
/** Enabled endpoints that want @type. */
const subscribed = `FROM webhook_endpoints e WHERE e.enabled = 1 AND EXISTS (SELECT 1 FROM json_each(e.events) WHERE value = @type)`;

/**
 * The webhook part of the store on `db`: `store` (the WebhookStore) and `events`, the rows that a state change,
 * retraction, preference change or append adds inside its own (group-commit) transaction. Each of those first checks
 * the in-memory view of wanted types, so a store whose endpoints want nothing runs no statement for them.
 */
export function sqliteWebhooks(db: Database.Database, write: Write, live: () => void) {
  const sql = {
    insertEndpoint: db.prepare<[string, string, string, string | null, string, number]>(
      `INSERT INTO webhook_endpoints (id, url, events, description, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    endpoints: db.prepare<[], EndpointRow>(`SELECT ${endpointColumns} FROM webhook_endpoints ORDER BY created_at, id`),
    endpoint: db.prepare<[string], EndpointRow & { secret: string }>(`SELECT ${endpointColumns}, secret FROM webhook_endpoints WHERE id = ?`),
    update: db.prepare<{ id: string; events: string | null; enabled: number | null; description: string | null; reason: string | null }>(
      `UPDATE webhook_endpoints SET events = coalesce(@events, events), description = coalesce(@description, description),
       enabled = coalesce(@enabled, enabled),
       disabled_reason = CASE WHEN coalesce(@enabled, enabled) = 1 THEN NULL ELSE coalesce(@reason, disabled_reason) END,
       failing_since = CASE WHEN @enabled = 1 THEN NULL ELSE failing_since END WHERE id = @id`,
    ),
    deleteEndpoint: db.prepare<[string]>(`DELETE FROM webhook_endpoints WHERE id = ?`),
    deleteRows: db.prepare<[string]>(`DELETE FROM webhook_outbox WHERE endpoint_id = ?`),
    wanted: db.prepare<[], { type: string }>(`SELECT DISTINCT j.value AS type FROM webhook_endpoints e, json_each(e.events) j WHERE e.enabled = 1`),
    // One row per enabled endpoint wanting @type; a repeated @dedupe (an expiry seen twice) adds nothing.
    enqueue: db.prepare<{ event: string; type: string; key: string; data: string; now: number; dedupe: string | null }>(
      `INSERT INTO webhook_outbox (event_id, endpoint_id, type, order_key, data, created_at, next_at, window_start, dedupe)
       SELECT @event, e.id, @type, @key, @data, @now, @now, @now, @dedupe ${subscribed}
       ON CONFLICT (endpoint_id, dedupe) WHERE dedupe IS NOT NULL DO NOTHING`,
    ),
    enqueueTo: db.prepare<{ event: string; endpoint: string; type: string; data: string; now: number }>(
      `INSERT INTO webhook_outbox (event_id, endpoint_id, type, order_key, data, created_at, next_at, window_start)
       VALUES (@event, @endpoint, @type, @event, @data, @now, @now, @now)`,
    ),
    facts: db.prepare<{ u: string | null; seq: number }, NotificationFacts>(
      `SELECT n.seq, n.user_id, n.topic, n.type, n.category, s.seen, s.read, s.archived, s.deleted FROM notifications n
       LEFT JOIN user_states s ON s.user_id = @u AND s.seq = n.seq WHERE n.seq = @seq`,
    ),
    markDelivered: db.prepare<[string, number], { seq: number }>(
      `INSERT INTO webhook_delivered (user_id, seq) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING seq`,
    ),
    // Due rows whose (endpoint, user) has no earlier row in flight or never tried: per-user order as far as retries allow.
    claim: db.prepare<{ now: number; limit: number; lease: number; busy: string }, { seq: number }>(
      `UPDATE webhook_outbox SET lease_until = @lease WHERE seq IN (
         SELECT o.seq FROM webhook_outbox o WHERE o.state = 'pending' AND o.next_at <= @now AND o.lease_until <= @now
         AND o.endpoint_id NOT IN (SELECT value FROM json_each(@busy))
         AND o.endpoint_id IN (SELECT id FROM webhook_endpoints WHERE enabled = 1)
         AND NOT EXISTS (SELECT 1 FROM webhook_outbox p WHERE p.endpoint_id = o.endpoint_id AND p.order_key = o.order_key
           AND p.state = 'pending' AND p.seq < o.seq AND (p.attempts = 0 OR p.lease_until > @now))
         ORDER BY o.seq LIMIT @limit)
       RETURNING seq`,
    ),
    anyDue: db.prepare<{ now: number }, { one: number }>(
      `SELECT 1 AS one FROM webhook_outbox WHERE state = 'pending' AND next_at <= @now AND lease_until <= @now LIMIT 1`,
    ),
    claimed: db.prepare<[string], OutboxRow>(
      `SELECT o.seq, o.event_id, o.endpoint_id, e.url, e.secret, o.type, o.data, o.created_at, o.attempts, o.window_start
       FROM webhook_outbox o JOIN webhook_endpoints e ON e.id = o.endpoint_id WHERE o.seq IN (SELECT value FROM json_each(?)) ORDER BY o.seq`,
    ),
    // Kept while a repeat of it could arise (an expiry swept twice), else gone at once.
    sent: db.prepare<[number]>(`UPDATE webhook_outbox SET state = 'sent', lease_until = 0 WHERE seq = ? AND dedupe IS NOT NULL`),
    sentGone: db.prepare<[number]>(`DELETE FROM webhook_outbox WHERE seq = ? AND dedupe IS NULL`),
    endpointOf: db.prepare<[number], { endpoint_id: string }>(`SELECT endpoint_id FROM webhook_outbox WHERE seq = ?`),
    succeeded: db.prepare<[string]>(`UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL`),
    failed: db.prepare<{ seq: number; error: string; retry: number | null }>(
      `UPDATE webhook_outbox SET attempts = attempts + 1, lease_until = 0, last_error = @error,
       state = CASE WHEN @retry IS NULL THEN 'dead' ELSE 'pending' END, next_at = coalesce(@retry, next_at) WHERE seq = @seq`,
    ),
    failing: db.prepare<[number, string], { since: number }>(
      `UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, ?) WHERE id = ? RETURNING failing_since AS since`,
    ),
    dead: db.prepare<{ endpoint: string | null; after: number; limit: number }, DeadWebhook & { seq: number; last_error: string | null; event_id: string; endpoint_id: string; created_at: number }>(
      `SELECT seq, event_id, endpoint_id, type, created_at, attempts, last_error FROM webhook_outbox
       WHERE state = 'dead' AND (@endpoint IS NULL OR endpoint_id = @endpoint) AND seq > @after ORDER BY seq LIMIT @limit`,
    ),
    replay: db.prepare<{ endpoint: string | null; events: string | null; now: number }>(
      `UPDATE webhook_outbox SET state = 'pending', attempts = 0, next_at = @now, window_start = @now, lease_until = 0
       WHERE state = 'dead' AND (@endpoint IS NULL OR endpoint_id = @endpoint)
       AND (@events IS NULL OR event_id IN (SELECT value FROM json_each(@events)))`,
    ),
    cursor: db.prepare<[], { at: number }>(`SELECT at FROM webhook_cursors WHERE name = 'expired'`),
    setCursor: db.prepare<[number]>(`INSERT INTO webhook_cursors (name, at) VALUES ('expired', ?) ON CONFLICT (name) DO UPDATE SET at = excluded.at`),
    expired: db.prepare<[number, number, number], NotificationFacts & { expires_at: number }>(
      `SELECT seq, user_id, topic, type, category, NULL AS seen, NULL AS read, NULL AS archived, NULL AS deleted, expires_at
       FROM notifications WHERE expires_at > ? AND expires_at <= ? AND retracted = 0 ORDER BY expires_at, seq LIMIT ?`,
    ),
    stats: db.prepare<[], { pending: number; oldest: number | null; dead: number }>(
      `SELECT (SELECT count(*) FROM webhook_outbox WHERE state = 'pending') AS pending,
       (SELECT min(created_at) FROM webhook_outbox WHERE state = 'pending') AS oldest,
       (SELECT count(*) FROM webhook_outbox WHERE state = 'dead') AS dead`,
    ),
    pruneSent: db.prepare<[number]>(`DELETE FROM webhook_outbox WHERE state = 'sent' AND created_at < ?`),
    pruneDelivered: db.prepare(`DELETE FROM webhook_delivered WHERE seq < (SELECT coalesce(min(seq), 0) FROM notifications)`),
  };

  let wanted = new Set<string>();
  const readWanted = (): void => {
    wanted = new Set(sql.wanted.all().map((r) => r.type));
  };
  readWanted();
  /** After a change of endpoints (inside its write): re-read the view; expiries are swept from now on when they newly are wanted. */
  const endpointsChanged = (): void => {
    const before = wanted.has('notification.expired');
    readWanted();
    if (!before && wanted.has('notification.expired')) sql.setCursor.run(Date.now());
  };

  const enqueue = (type: WebhookEventType, key: string, data: Record<string, unknown>, nowMs: number, dedupe: string | null = null): number =>
    sql.enqueue.run({ event: newEventId(), type, key, data: JSON.stringify(data), now: nowMs, dedupe }).changes;
  const notificationData = (userId: UserId, f: NotificationFacts): Record<string, unknown> => ({
    userId,
    notificationId: formatId(f.seq),
    notificationType: f.type,
    ...(f.category === null ? {} : { category: f.category }),
  });
  const removalData = (f: NotificationFacts): Record<string, unknown> => ({
    notificationId: formatId(f.seq),
    notificationType: f.type,
    ...(f.category === null ? {} : { category: f.category }),
    ...audienceFields(recipientsOf({ userId: f.user_id, topic: f.topic })),
  });
  /** `notification.delivered` for (user, seq) unless recorded before; inside a write. */
  const delivered = (userId: UserId, seq: number, nowMs: number): number => {
    if (sql.markDelivered.get(userId, seq) === undefined) return 0;
    const f = sql.facts.get({ u: userId, seq });
    return f ? enqueue('notification.delivered', userId, notificationData(userId, f), nowMs) : 0;
  };

  /** Event rows added inside another write's transaction; each a no-op when no endpoint wants its type. */
  const events = {
    /** The state `change` of `seqs` for `userId` (those it changed), with the state after it. */
    stateChanged(userId: UserId, change: StateChange, seqs: readonly number[]): void {
      const type = stateEvents[change];
      if (seqs.length === 0 || !wanted.has(type)) return;
      const nowMs = Date.now();
      for (const seq of seqs) {
        const f = sql.facts.get({ u: userId, seq });
        if (!f) continue;
        const state = { seen: f.seen === 1, read: f.read === 1, archived: f.archived === 1, deleted: f.deleted === 1 };
        enqueue(type, userId, { ...notificationData(userId, f), state }, nowMs);
      }
    },
    /** Notifications retracted (their ids). */
    retracted(ids: readonly NotificationId[]): void {
      if (ids.length === 0 || !wanted.has('notification.retracted')) return;
      const nowMs = Date.now();
      for (const id of ids) {
        const f = sql.facts.get({ u: null, seq: Number(id) });
        if (f) enqueue('notification.retracted', f.user_id ?? `seq:${f.seq}`, removalData(f), nowMs);
      }
    },
    /** What the user has off after a change; rendered with the catalog when sent. */
    preferencesUpdated(userId: UserId, muted: MutedNames): void {
      if (wanted.has('preferences.updated')) enqueue('preferences.updated', userId, { userId, off: muted }, Date.now());
    },
    /** An appended notification (its type and category as appended) that a device of the user is sent right after the commit. */
    delivered(userId: UserId, id: NotificationId, type: string, category: string | undefined): void {
      if (!wanted.has('notification.delivered') || sql.markDelivered.get(userId, Number(id)) === undefined) return;
      const data = { userId, notificationId: id, notificationType: type, ...(category === undefined ? {} : { category }) };
      enqueue('notification.delivered', userId, data, Date.now());
    },
  };

  const store: WebhookStore = {
    wants: (type) => wanted.has(type),
    async refreshWanted() {
      live();
      readWanted();
    },
    createEndpoint(input, nowMs) {
      const id = newEndpointId();
      return write(() => {
        sql.insertEndpoint.run(id, input.url, JSON.stringify(input.events), input.description ?? null, input.secret, nowMs);
        endpointsChanged();
        return endpointOf(sql.endpoint.get(id)!);
      });
    },
    async listEndpoints() {
      live();
      return sql.endpoints.all().map(endpointOf);
    },
    async endpointWithSecret(id) {
      live();
      const row = sql.endpoint.get(id);
      return row && { ...endpointOf(row), secret: row.secret };
    },
    updateEndpoint(id, change) {
      return write(() => {
        sql.update.run({
          id,
          events: change.events === undefined ? null : JSON.stringify(change.events),
          enabled: change.enabled === undefined ? null : change.enabled ? 1 : 0,
          description: change.description ?? null,
          reason: change.disabledReason ?? null,
        });
        endpointsChanged();
        const row = sql.endpoint.get(id);
        return row && endpointOf(row);
      });
    },
    deleteEndpoint(id) {
      return write(() => {
        sql.deleteRows.run(id);
        const gone = sql.deleteEndpoint.run(id).changes > 0;
        endpointsChanged();
        return gone;
      });
    },
    enqueueEvent(type, orderKey, data, nowMs) {
      if (!wanted.has(type)) return Promise.resolve(0);
      return write(() => enqueue(type, orderKey, data, nowMs));
    },
    enqueueTest(id, nowMs) {
      return write(() => {
        if (!sql.endpoint.get(id)) return undefined;
        const event = newEventId();
        sql.enqueueTo.run({ event, endpoint: id, type: 'webhook.test', data: JSON.stringify(testEventData(id)), now: nowMs });
        return event;
      });
    },
    claim(nowMs, limit, leaseUntilMs, busyEndpoints) {
      live();
      // A read first: every node polls several times a second, and an idle queue takes no write lock.
      if (sql.anyDue.get({ now: nowMs }) === undefined) return Promise.resolve([]);
      return write(() => {
        const seqs = sql.claim.all({ now: nowMs, limit, lease: leaseUntilMs, busy: JSON.stringify(busyEndpoints) }).map((r) => r.seq);
        if (seqs.length === 0) return [];
        return sql.claimed.all(JSON.stringify(seqs)).map(claimedOf);
      }, notSynced);
    },
    sent(seq) {
      return write(() => {
        const row = sql.endpointOf.get(Number(seq));
        sql.sent.run(Number(seq));
        sql.sentGone.run(Number(seq));
        if (row) sql.succeeded.run(row.endpoint_id);
      }, notSynced);
    },
    failed(seq, failure, nowMs) {
      return write(() => {
        sql.failed.run({ seq: Number(seq), error: keptError(failure.error), retry: failure.retryAt });
        const row = sql.endpointOf.get(Number(seq));
        return row ? (sql.failing.get(nowMs, row.endpoint_id)?.since ?? nowMs) : nowMs;
      }, notSynced);
    },
    async deadLetters(query) {
      live();
      return sql.dead.all({ endpoint: query.endpointId ?? null, after: query.after === undefined ? 0 : Number(query.after), limit: query.limit }).map((r) => ({
        seq: String(r.seq),
        eventId: r.event_id,
        endpointId: r.endpoint_id,
        type: r.type,
        createdAt: r.created_at,
        attempts: r.attempts,
        lastError: r.last_error ?? '',
      }));
    },
    replay(query, nowMs) {
      return write(() => sql.replay.run({ endpoint: query.endpointId ?? null, events: query.eventIds === undefined ? null : JSON.stringify(query.eventIds), now: nowMs }).changes);
    },
    recordDelivered(sent, nowMs) {
      if (sent.length === 0 || !wanted.has('notification.delivered')) return Promise.resolve(0);
      return write(() => sent.reduce((queued, s) => queued + delivered(s.userId, Number(s.notificationId), nowMs), 0));
    },
    sweepExpired(nowMs, limit) {
      if (!wanted.has('notification.expired')) return Promise.resolve(0);
      live();
      // A read first: a sweep with nothing new takes no write lock (it runs several times a second on every node).
      const cursor = sql.cursor.get()?.at ?? nowMs;
      if (sql.expired.all(cursor - expiryOverlapMs, nowMs, 1).length === 0) return Promise.resolve(0);
      return write(() => {
        const from = sql.cursor.get()?.at ?? nowMs;
        // Overlapping the last sweep catches a notification whose append committed after its expiry was passed; its dedupe key keeps it once.
        const rows = sql.expired.all(from - expiryOverlapMs, nowMs, limit);
        for (const f of rows) enqueue('notification.expired', f.user_id ?? `seq:${f.seq}`, removalData(f), f.expires_at, `expired:${f.seq}`);
        sql.setCursor.run(rows.length === limit ? rows[rows.length - 1]!.expires_at : nowMs);
        return rows.length;
      });
    },
    async stats() {
      live();
      const row = sql.stats.get()!;
      return { pending: row.pending, oldestPendingAt: row.oldest, dead: row.dead };
    },
    prune(olderThanMs) {
      return write(() => {
        sql.pruneSent.run(olderThanMs);
        sql.pruneDelivered.run();
      });
    },
  };
  return { store, events };
}

function claimedOf(r: OutboxRow): ClaimedWebhook {
  return {
    seq: String(r.seq),
    eventId: r.event_id,
    endpointId: r.endpoint_id,
    url: r.url,
    secret: r.secret,
    type: r.type,
    data: JSON.parse(r.data) as Record<string, unknown>,
    createdAt: r.created_at,
    attempts: r.attempts,
    windowStart: r.window_start,
  };
}

