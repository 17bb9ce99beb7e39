// The PostgreSQL store's webhook part: endpoints, the outbox (claimed with FOR UPDATE SKIP LOCKED) and dead letters, and the event rows other writes add in their own transaction.
import type { WebhookEventType } from '../../../generated/index.js';
import type { MutedNames, NotificationId, StateChange, UserId } from '../store.js';
import { expiryOverlapMs, type ClaimedWebhook, type WebhookStore } from '../webhooks.js';
import { endpointOf, keptError, newEndpointId, newEventId, stateEvents, testEventData, type EndpointRow } from '../webhook-rows.js';
import type { Query, Runner } from './runner.js';

interface WebhookDeps {
  /** The quoted schema. */
  S: string;
  run: Runner;
  /** One transaction, retried on deadlock. */
  tx: <T>(body: (t: Runner) => Promise<T>) => Promise<T>;
  live: () => void;
}

interface OutboxRow {
  seq: string;
  event_id: string;
  endpoint_id: string;
  url: string;
  secret: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
  created_at: string;
  attempts: number;
  window_start: string;
}

/** SQL of a new event id (`evt_` and 32 hex digits), the same for every endpoint when taken in a MATERIALIZED CTE. */
export const newEventIdSql = `'evt_' || replace(gen_random_uuid()::text, '-', '')`;

/**
 * The event data of notification `n` for removals: its audience from its user and topic columns (JSON nulls stripped).
 * Shared with the stored function that records `notification.delivered` (functions.ts).
 */
const removalData = `jsonb_strip_nulls(jsonb_build_object('notificationId', lpad(n.seq::text, 16, '0'), 'notificationType', n.type,
  'category', n.category, 'audience', CASE WHEN n.user_id IS NOT NULL THEN 'user' WHEN n.topic IS NOT NULL THEN 'topic' ELSE 'broadcast' END,
  'userId', n.user_id, 'topic', n.topic))`;

/**
 * The webhook part of the store in schema `S`: `store` (the WebhookStore) and `events`, the rows a state change,
 * retraction or preference change adds on the runner of its own transaction (an append adds `notification.delivered`
 * inside `append_one`). Each first checks the in-memory view of wanted types: endpoints that want nothing cost no statement.
 */
export function postgresWebhooks({ S, run, tx, live }: WebhookDeps) {
  const q = (name: string, text: string): Query => ({ name: `notify_webhooks_${name}`, text });
  const endpointColumns = `id, url, events, description, enabled, disabled_reason, created_at`;
  /** Enabled endpoints wanting the type in placeholder `type`. */
  const subscribed = (type: string): string => `JOIN ${S}.webhook_endpoints e ON e.enabled AND ${type} = ANY(e.events)`;
  const columnsIn = `(event_id, endpoint_id, type, order_key, data, created_at, next_at, window_start`;
  const sql = {
    insertEndpoint: q('insert_endpoint', `INSERT INTO ${S}.webhook_endpoints (id, url, events, description, secret, created_at)
      VALUES ($1, $2, $3::text[], $4, $5, $6) RETURNING ${endpointColumns}`),
    endpoints: q('endpoints', `SELECT ${endpointColumns} FROM ${S}.webhook_endpoints ORDER BY created_at, id`),
    endpoint: q('endpoint', `SELECT ${endpointColumns}, secret FROM ${S}.webhook_endpoints WHERE id = $1`),
    update: q('update', `UPDATE ${S}.webhook_endpoints SET events = coalesce($2::text[], events), description = coalesce($4, description),
      enabled = coalesce($3, enabled),
      disabled_reason = CASE WHEN coalesce($3, enabled) THEN NULL ELSE coalesce($5, disabled_reason) END,
      failing_since = CASE WHEN $3 THEN NULL ELSE failing_since END WHERE id = $1 RETURNING ${endpointColumns}`),
    deleteEndpoint: q('delete_endpoint', `WITH rows AS (DELETE FROM ${S}.webhook_outbox WHERE endpoint_id = $1)
      DELETE FROM ${S}.webhook_endpoints WHERE id = $1 RETURNING id`),
    wanted: q('wanted', `SELECT DISTINCT unnest(events) AS type FROM ${S}.webhook_endpoints WHERE enabled`),
    startExpirySweep: q('start_expiry_sweep', `INSERT INTO ${S}.webhook_cursors (name, at) VALUES ('expired', $1)
      ON CONFLICT (name) DO UPDATE SET at = greatest(${S}.webhook_cursors.at, excluded.at)`),
    enqueueTo: q('enqueue_to', `INSERT INTO ${S}.webhook_outbox ${columnsIn}) VALUES ($1, $2, 'webhook.test', $1, $3::jsonb, $4, $4, $4)`),
    stateChanged: q('state_changed', `WITH ev AS MATERIALIZED (SELECT seq, ${newEventIdSql} AS event_id FROM unnest($3::bigint[]) AS seq)
      INSERT INTO ${S}.webhook_outbox ${columnsIn})
      SELECT ev.event_id, e.id, $2, $1, jsonb_strip_nulls(jsonb_build_object('userId', $1::text, 'notificationId', lpad(n.seq::text, 16, '0'),
        'notificationType', n.type, 'category', n.category, 'state', jsonb_build_object('seen', coalesce(s.seen, false),
        'read', coalesce(s.read, false), 'archived', coalesce(s.archived, false), 'deleted', coalesce(s.deleted, false)))), $4, $4, $4
      FROM ev JOIN ${S}.notifications n ON n.seq = ev.seq LEFT JOIN ${S}.user_states s ON s.user_id = $1 AND s.seq = n.seq
      ${subscribed('$2')} ORDER BY ev.seq, e.id`),
    retracted: q('retracted', `WITH ev AS MATERIALIZED (SELECT seq, ${newEventIdSql} AS event_id FROM unnest($1::bigint[]) AS seq)
      INSERT INTO ${S}.webhook_outbox ${columnsIn})
      SELECT ev.event_id, e.id, 'notification.retracted', coalesce(n.user_id, 'seq:' || n.seq), ${removalData}, $2, $2, $2
      FROM ev JOIN ${S}.notifications n ON n.seq = ev.seq ${subscribed(`'notification.retracted'`)} ORDER BY ev.seq, e.id`),
    preferences: q('preferences', `INSERT INTO ${S}.webhook_outbox ${columnsIn})
      SELECT $1, e.id, 'preferences.updated', $2, $3::jsonb, $4, $4, $4 FROM ${S}.webhook_endpoints e
      WHERE e.enabled AND 'preferences.updated' = ANY(e.events)`),
    external: q('external_event', `WITH ins AS (INSERT INTO ${S}.webhook_outbox ${columnsIn})
      SELECT $1, e.id, $5, $2, $3::jsonb, $4, $4, $4 FROM ${S}.webhook_endpoints e
      WHERE e.enabled AND $5 = ANY(e.events) ORDER BY e.id RETURNING 1) SELECT count(*)::int AS n FROM ins`),
    markDelivered: q('mark_delivered', `WITH marked AS (INSERT INTO ${S}.webhook_delivered (user_id, seq)
        SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING RETURNING user_id, seq),
      ev AS MATERIALIZED (SELECT marked.*, ${newEventIdSql} AS event_id FROM marked),
      ins AS (INSERT INTO ${S}.webhook_outbox ${columnsIn})
        SELECT ev.event_id, e.id, 'notification.delivered', ev.user_id, jsonb_strip_nulls(jsonb_build_object('userId', ev.user_id,
          'notificationId', lpad(n.seq::text, 16, '0'), 'notificationType', n.type, 'category', n.category)), $3, $3, $3
        FROM ev JOIN ${S}.notifications n ON n.seq = ev.seq ${subscribed(`'notification.delivered'`)} ORDER BY ev.seq, e.id RETURNING 1)
      SELECT count(*)::int AS n FROM ins`),
    anyDue: q('any_due', `SELECT 1 FROM ${S}.webhook_outbox WHERE state = 'pending' AND next_at <= $1 AND lease_until <= $1 LIMIT 1`),
    // SKIP LOCKED: rows another node is claiming are not waited for; the lease keeps them from a second claim after.
    claim: q('claim', `WITH picked AS (
        SELECT o.seq FROM ${S}.webhook_outbox o WHERE o.state = 'pending' AND o.next_at <= $1 AND o.lease_until <= $1
        AND NOT (o.endpoint_id = ANY($4::text[]))
        AND o.endpoint_id IN (SELECT id FROM ${S}.webhook_endpoints WHERE enabled)
        AND NOT EXISTS (SELECT 1 FROM ${S}.webhook_outbox p WHERE p.endpoint_id = o.endpoint_id AND p.order_key = o.order_key
          AND p.state = 'pending' AND p.seq < o.seq AND (p.attempts = 0 OR p.lease_until > $1))
        ORDER BY o.seq LIMIT $2 FOR UPDATE OF o SKIP LOCKED)
      UPDATE ${S}.webhook_outbox o SET lease_until = $3 FROM picked, ${S}.webhook_endpoints e
      WHERE o.seq = picked.seq AND e.id = o.endpoint_id
      RETURNING o.seq::text, o.event_id, o.endpoint_id, e.url, e.secret, o.type, o.data, o.created_at, o.attempts, o.window_start`),
    // Kept while a repeat of it could arise (an expiry swept twice), else gone at once.
    sent: q('sent', `WITH done AS (DELETE FROM ${S}.webhook_outbox WHERE seq = $1 AND dedupe IS NULL RETURNING endpoint_id),
      kept AS (UPDATE ${S}.webhook_outbox SET state = 'sent', lease_until = 0 WHERE seq = $1 AND dedupe IS NOT NULL RETURNING endpoint_id)
      UPDATE ${S}.webhook_endpoints SET failing_since = NULL
      WHERE id IN (SELECT endpoint_id FROM done UNION ALL SELECT endpoint_id FROM kept) AND failing_since IS NOT NULL`),
    failed: q('failed', `WITH row AS (UPDATE ${S}.webhook_outbox SET attempts = attempts + 1, lease_until = 0, last_error = $2,
        state = CASE WHEN $3::bigint IS NULL THEN 'dead' ELSE 'pending' END, next_at = coalesce($3::bigint, next_at)
        WHERE seq = $1 RETURNING endpoint_id)
      UPDATE ${S}.webhook_endpoints SET failing_since = coalesce(failing_since, $4) WHERE id IN (SELECT endpoint_id FROM row)
      RETURNING failing_since::text AS since`),
    dead: q('dead', `SELECT seq::text, event_id, endpoint_id, type, created_at::text, attempts, last_error FROM ${S}.webhook_outbox
      WHERE state = 'dead' AND ($1::text IS NULL OR endpoint_id = $1) AND seq > $2 ORDER BY seq LIMIT $3`),
    replay: q('replay', `WITH replayed AS (UPDATE ${S}.webhook_outbox SET state = 'pending', attempts = 0, next_at = $3, window_start = $3,
        lease_until = 0 WHERE state = 'dead' AND ($1::text IS NULL OR endpoint_id = $1) AND ($2::text[] IS NULL OR event_id = ANY($2::text[]))
        RETURNING 1) SELECT count(*)::int AS n FROM replayed`),
    cursor: q('cursor', `SELECT at::text FROM ${S}.webhook_cursors WHERE name = 'expired'`),
    lockCursor: q('lock_cursor', `SELECT at::text FROM ${S}.webhook_cursors WHERE name = 'expired' FOR UPDATE`),
    anyExpired: q('any_expired', `SELECT 1 FROM ${S}.notifications WHERE expires_at > $1 AND expires_at <= $2 AND NOT retracted LIMIT 1`),
    // Each expiry once: its dedupe key (kept with the sent row for a while) refuses a second row when sweeps overlap.
    sweepExpired: q('sweep_expired', `WITH due AS MATERIALIZED (SELECT n.*, ${newEventIdSql} AS event_id FROM ${S}.notifications n
        WHERE n.expires_at > $1 AND n.expires_at <= $2 AND NOT n.retracted ORDER BY n.expires_at, n.seq LIMIT $3),
      ins AS (INSERT INTO ${S}.webhook_outbox ${columnsIn}, dedupe)
        SELECT n.event_id, e.id, 'notification.expired', coalesce(n.user_id, 'seq:' || n.seq), ${removalData}, n.expires_at, $2, n.expires_at,
          'expired:' || n.seq FROM due n ${subscribed(`'notification.expired'`)} ORDER BY n.expires_at, n.seq, e.id
        ON CONFLICT (endpoint_id, dedupe) WHERE dedupe IS NOT NULL DO NOTHING)
      SELECT count(*)::int AS n, max(expires_at)::text AS last FROM due`),
    setCursor: q('set_cursor', `UPDATE ${S}.webhook_cursors SET at = $1 WHERE name = 'expired'`),
    stats: q('stats', `SELECT (SELECT count(*)::int FROM ${S}.webhook_outbox WHERE state = 'pending') AS pending,
      (SELECT min(created_at)::text FROM ${S}.webhook_outbox WHERE state = 'pending') AS oldest,
      (SELECT count(*)::int FROM ${S}.webhook_outbox WHERE state = 'dead') AS dead`),
    pruneSent: q('prune_sent', `DELETE FROM ${S}.webhook_outbox WHERE state = 'sent' AND created_at < $1`),
    pruneDelivered: q('prune_delivered', `DELETE FROM ${S}.webhook_delivered WHERE seq < (SELECT coalesce(min(seq), 0) FROM ${S}.notifications)`),
  };

  let wanted = new Set<string>();
  const readWanted = async (t: Runner): Promise<void> => {
    const before = wanted.has('notification.expired');
    wanted = new Set((await t<{ type: string }>(sql.wanted, [])).map((r) => r.type));
    // Expiries are swept from the moment some endpoint wants them (not from an old cursor left by an endpoint since gone).
    if (!before && wanted.has('notification.expired')) await t(sql.startExpirySweep, [Date.now()]);
  };

  /** Event rows added on the runner of another write's transaction; each a no-op when no endpoint wants its type. */
  const events = {
    async stateChanged(t: Runner, userId: UserId, change: StateChange, seqs: readonly string[]): Promise<void> {
      const type = stateEvents[change];
      if (seqs.length === 0 || !wanted.has(type)) return;
      await t(sql.stateChanged, [userId, type, seqs, Date.now()]);
    },
    async retracted(t: Runner, ids: readonly NotificationId[]): Promise<void> {
      if (ids.length === 0 || !wanted.has('notification.retracted')) return;
      await t(sql.retracted, [ids.map((id) => String(BigInt(id))), Date.now()]);
    },
    /** What the user has off after a change; rendered with the catalog when sent. */
    async preferencesUpdated(t: Runner, userId: UserId, muted: MutedNames): Promise<void> {
      if (!wanted.has('preferences.updated')) return;
      await t(sql.preferences, [newEventId(), userId, JSON.stringify({ userId, off: muted }), Date.now()]);
    },
  };

  const store: WebhookStore = {
    wants: (type) => wanted.has(type),
    async refreshWanted() {
      live();
      await readWanted(run);
    },
    createEndpoint(input, nowMs) {
      return tx(async (t) => {
        const [row] = await t<EndpointRow>(sql.insertEndpoint, [newEndpointId(), input.url, input.events, input.description ?? null, input.secret, nowMs]);
        await readWanted(t);
        return endpointOf(row!);
      });
    },
    async listEndpoints() {
      live();
      return (await run<EndpointRow>(sql.endpoints, [])).map(endpointOf);
    },
    async endpointWithSecret(id) {
      live();
      const [row] = await run<EndpointRow & { secret: string }>(sql.endpoint, [id]);
      return row && { ...endpointOf(row), secret: row.secret };
    },
    updateEndpoint(id, change) {
      return tx(async (t) => {
        const values = [id, change.events ?? null, change.enabled ?? null, change.description ?? null, change.disabledReason ?? null];
        const [row] = await t<EndpointRow>(sql.update, values);
        await readWanted(t);
        return row && endpointOf(row);
      });
    },
    deleteEndpoint(id) {
      return tx(async (t) => {
        const gone = (await t(sql.deleteEndpoint, [id])).length > 0;
        await readWanted(t);
        return gone;
      });
    },
    async enqueueEvent(type, orderKey, data, nowMs) {
      live();
      if (!wanted.has(type)) return 0;
      const [row] = await run<{ n: number }>(sql.external, [newEventId(), orderKey, JSON.stringify(data), nowMs, type]);
      return row?.n ?? 0;
    },
    async enqueueTest(id, nowMs) {
      live();
      if ((await run(sql.endpoint, [id])).length === 0) return undefined;
      const event = newEventId();
      await run(sql.enqueueTo, [event, id, JSON.stringify(testEventData(id)), nowMs]);
      return event;
    },
    async claim(nowMs, limit, leaseUntilMs, busyEndpoints) {
      live();
      // A read first: every node polls several times a second, and an idle queue costs no write.
      if ((await run(sql.anyDue, [nowMs])).length === 0) return [];
      const rows = await run<OutboxRow>(sql.claim, [nowMs, limit, leaseUntilMs, busyEndpoints]);
      return rows.map(claimedOf).sort((a, b) => Number(BigInt(a.seq) - BigInt(b.seq)));
    },
    async sent(seq) {
      live();
      await run(sql.sent, [seq]);
    },
    async failed(seq, failure, nowMs) {
      live();
      const [row] = await run<{ since: string }>(sql.failed, [seq, keptError(failure.error), failure.retryAt, nowMs]);
      return row ? Number(row.since) : nowMs;
    },
    async deadLetters(query) {
      live();
      const rows = await run<{ seq: string; event_id: string; endpoint_id: string; type: WebhookEventType; created_at: string; attempts: number; last_error: string | null }>(
        sql.dead,
        [query.endpointId ?? null, query.after ?? '0', query.limit],
      );
      return rows.map((r) => ({ seq: r.seq, eventId: r.event_id, endpointId: r.endpoint_id, type: r.type, createdAt: Number(r.created_at), attempts: r.attempts, lastError: r.last_error ?? '' }));
    },
    async replay(query, nowMs) {
      live();
      return (await run<{ n: number }>(sql.replay, [query.endpointId ?? null, query.eventIds ?? null, nowMs]))[0]!.n;
    },
    async recordDelivered(sent, nowMs) {
      if (sent.length === 0 || !wanted.has('notification.delivered')) return 0;
      live();
      const values = [sent.map((s) => s.userId), sent.map((s) => String(BigInt(s.notificationId))), nowMs];
      return (await run<{ n: number }>(sql.markDelivered, values))[0]!.n;
    },
    async sweepExpired(nowMs, limit) {
      if (!wanted.has('notification.expired')) return 0;
      live();
      // A read first: a sweep with nothing new takes no lock (it runs several times a second on every node).
      const [cursor] = await run<{ at: string }>(sql.cursor, []);
      if (!cursor || (await run(sql.anyExpired, [Number(cursor.at) - expiryOverlapMs, nowMs])).length === 0) return 0;
      return tx(async (t) => {
        // Nodes take turns: the cursor's row lock is held until the events and the new cursor commit together.
        const [locked] = await t<{ at: string }>(sql.lockCursor, []);
        if (!locked) return 0;
        const [swept] = await t<{ n: number; last: string | null }>(sql.sweepExpired, [Number(locked.at) - expiryOverlapMs, nowMs, limit]);
        await t(sql.setCursor, [swept!.n === limit && swept!.last !== null ? Number(swept!.last) : nowMs]);
        return swept!.n;
      });
    },
    async stats() {
      live();
      const [row] = await run<{ pending: number; oldest: string | null; dead: number }>(sql.stats, []);
      return { pending: row!.pending, oldestPendingAt: row!.oldest === null ? null : Number(row!.oldest), dead: row!.dead };
    },
    async prune(olderThanMs) {
      live();
      await run(sql.pruneSent, [olderThanMs]);
      await run(sql.pruneDelivered, []);
    },
  };
  return { store, events, init: () => readWanted(run) };
}

function claimedOf(r: OutboxRow): ClaimedWebhook {
  return {
    seq: r.seq,
    eventId: r.event_id,
    endpointId: r.endpoint_id,
    url: r.url,
    secret: r.secret,
    type: r.type,
    data: r.data,
    createdAt: Number(r.created_at),
    attempts: r.attempts,
    windowStart: Number(r.window_start),
  };
}
