// The batch push API (docs/http-api.md): up to 1,000 independent pushes in one request, stored in one write, answered item by item.
import type { AuthorizeService } from '../auth/service-auth.js';
import { HttpError, NotifyError } from '../errors.js';
import type { PushInput, PushResult } from '../hub/fan-out.js';
import { isUserId, maxIdempotencyKeyLength, maxUserIdLength, maxUsersPerPush, type UserId } from '../ids.js';
import type { ServerContext } from '../server-context.js';
import { topicPattern } from '../store/store.js';
import { readJsonBody } from './body.js';
import { object, pushFields, pushInput } from './notification-routes.js';
import { pushTiming, schedulePush, type PushTiming } from './push-timing.js';
import { sendJson, type Router } from './router.js';

export const batchPath = '/api/v1/notifications/batch';
const maxBatchItems = 1000;
/** Most recipients one batch reaches (every user of every item; a topic counts one): bounds one request's work. */
const maxBatchRecipients = 10_000;
/** A batch body may be this many times the single push's body cap (64 KiB × 64 = 4 MiB by default). */
const batchBodyFactor = 64;
const audienceFields = ['user', 'users', 'topic'] as const;

/** One item's answer: `status` is what the single push would have answered; the rest is its body. */
export type ItemAnswer = { status: number } & Record<string, unknown>;

/** An item that passed its checks, ready to store. */
type Planned =
  | { kind: 'user'; userId: UserId; input: PushInput; timing: PushTiming }
  | { kind: 'users'; users: UserId[]; input: PushInput; timing: PushTiming }
  | { kind: 'topic'; topic: string; input: PushInput; timing: PushTiming };

/** Moves an error's pointers (`/data/title`) into item `index` (`/items/3/data/title`); one without any points at the item. */
function intoItem(error: NotifyError, index: number): NotifyError {
  const details = Array.isArray(error.details)
    ? (error.details as { pointer?: unknown }[]).map((d) => (typeof d?.pointer === 'string' ? { ...d, pointer: `/items/${index}${d.pointer}` } : d))
    : [{ pointer: `/items/${index}`, message: error.message }];
  return new NotifyError(error.code, error.message, details);
}

/** Runs a single push's check on item `index`, its errors pointing into the item. */
function inItem<T>(index: number, check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw error instanceof NotifyError ? intoItem(error, index) : error;
  }
}

/** Item `index`'s user was pushed the per-minute cap: 429 as the single push answers, the wait in its details. */
function userCappedInItem(userId: UserId, index: number, retryAfterMs: number): NotifyError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new NotifyError('user_capped', `User ${JSON.stringify(userId.slice(0, 80))} was pushed the most notifications allowed per minute; nothing was stored for this item`, [
    { pointer: `/items/${index}/user`, message: `retry after ${seconds} s` },
  ]);
}

/** A 400 about one field of item `index`. */
function badField(index: number, field: string, message: string): NotifyError {
  return new NotifyError('bad_request', `${field} ${message}`, [{ pointer: `/items/${index}/${field}`, message }]);
}

/** Checks item `index` as the single push routes check their body; throws a registry error pointing into the item. */
function plan(context: ServerContext, raw: unknown, index: number): Planned {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new NotifyError('bad_request', 'An item must be a JSON object', [{ pointer: `/items/${index}`, message: 'must be an object' }]);
  }
  const { user, users, topic, idempotencyKey, ...rest } = raw as Record<string, unknown>;
  const given = audienceFields.filter((field) => (raw as Record<string, unknown>)[field] !== undefined);
  if (given.length !== 1) {
    throw new NotifyError('bad_request', `An item names its audience with exactly one of "user", "users" or "topic" (got ${given.length === 0 ? 'none' : given.join(', ')})`, [
      { pointer: `/items/${index}`, message: 'must have exactly one of user, users, topic' },
    ]);
  }
  if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || idempotencyKey.length < 1 || idempotencyKey.length > maxIdempotencyKeyLength)) {
    throw badField(index, 'idempotencyKey', `must be a string of 1–${maxIdempotencyKeyLength} characters`);
  }
  const input = inItem(index, () => pushInput(context.catalog, rest, pushFields, idempotencyKey as string | undefined));
  const timing = inItem(index, () => pushTiming(rest));
  if (timing.deliverAt !== undefined && idempotencyKey !== undefined) {
    throw badField(index, 'idempotencyKey', 'is not supported with deliverAt: a scheduled push is answered at once with a handle to check instead');
  }
  if (user !== undefined) {
    if (!isUserId(user)) throw badField(index, 'user', `must be a user id of 1–${maxUserIdLength} characters`);
    return { kind: 'user', userId: user, input, timing };
  }
  if (users !== undefined) {
    if (!Array.isArray(users) || users.length === 0 || users.length > maxUsersPerPush || !users.every(isUserId)) {
      throw badField(index, 'users', `must be 1–${maxUsersPerPush} user ids of 1–${maxUserIdLength} characters`);
    }
    return { kind: 'users', users: [...new Set(users as string[])], input, timing };
  }
  if (typeof topic !== 'string' || !topicPattern.test(topic)) throw badField(index, 'topic', 'must match [A-Za-z0-9._:-]{1,128}');
  // Topic pushes are stored once for their audience and keep no idempotency key (as `POST /api/v1/topics/{topic}/notifications`).
  if (idempotencyKey !== undefined) throw badField(index, 'idempotencyKey', 'is not supported for a topic push');
  return { kind: 'topic', topic, input, timing };
}

export function addBatchRoute(router: Router, context: ServerContext, authorize: AuthorizeService): void {
  const { config, fanOut, store, metrics, logger, userCaps } = context;

  /** The answer of a failed item: its registry error, or 500 (logged) for anything else. */
  const failed = (error: unknown): ItemAnswer => {
    if (error instanceof NotifyError) return { status: error.status, error: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) };
    logger.error({ err: error }, 'batch push item failed');
    return { status: 500, error: 'internal_error', message: 'Internal server error: not known to be stored; retry the item (with its idempotencyKey)' };
  };

  const unicastAnswer = (result: PushResult | 'muted'): ItemAnswer => {
    if (result === 'muted') {
      metrics.pushes.labels('suppressed').inc();
      return { status: 201, suppressed: true };
    }
    metrics.pushes.labels(result.created ? 'created' : 'replayed').inc();
    return { status: 201, id: result.notification.id, timestamp: result.notification.timestamp, delivered: result.delivered, ...(result.created ? {} : { replayed: true }) };
  };

  router.on('POST', batchPath, async ({ request, response }) => {
    await authorize(request, response, 'push');
    if (request.headers['idempotency-key'] !== undefined) {
      throw new HttpError('bad_request', 'A batch takes no Idempotency-Key header: give each item its own "idempotencyKey"');
    }
    const body = object(await readJsonBody(request, config.maxBodyBytes * batchBodyFactor));
    const { items, ...extra } = body;
    const unknown = Object.keys(extra)[0];
    if (unknown !== undefined) throw new HttpError('bad_request', `Unknown field "${unknown}": send {"items": [...]}`, [{ pointer: `/${unknown}`, message: 'is not allowed' }]);
    if (!Array.isArray(items) || items.length === 0 || items.length > maxBatchItems) {
      throw new HttpError('bad_request', `"items" must be an array of 1–${maxBatchItems} pushes`, [{ pointer: '/items', message: `must hold 1–${maxBatchItems} items` }]);
    }

    const answers: (ItemAnswer | Promise<ItemAnswer>)[] = new Array(items.length);
    const planned: { index: number; item: Planned }[] = [];
    for (let index = 0; index < items.length; index++) {
      try {
        planned.push({ index, item: plan(context, items[index], index) });
      } catch (error) {
        answers[index] = failed(error);
      }
    }
    const recipients = planned.reduce((n, { item }) => n + (item.kind === 'users' ? item.users.length : 1), 0);
    if (recipients > maxBatchRecipients) throw new HttpError('bad_request', `A batch reaches at most ${maxBatchRecipients} recipients (this one: ${recipients}); split it`);

    // Every store write below is queued in this one synchronous pass: the SQLite store commits them in one
    // transaction with one WAL sync, the PostgreSQL store's unicast ones are one statement (`appendMany`).
    const unicast: { userId: UserId; input: PushInput }[] = [];
    const slots: { index: number; item: Planned & { kind: 'user' | 'users' }; from: number; pushed: UserId[]; capped: UserId[] }[] = [];
    // The per-user caps (`--user-cap-per-minute`) count each user of each item, as the single routes do.
    const caps = await Promise.all(planned.map(({ item }) => (item.kind === 'topic' || item.timing.deliverAt !== undefined ? undefined : userCaps.admit(item.kind === 'user' ? [item.userId] : item.users))));
    for (const [at, { index, item }] of planned.entries()) {
      const { input, timing } = item;
      if (timing.deliverAt !== undefined) {
        const audience = item.kind === 'topic' ? ({ kind: 'topic', topic: item.topic } as const) : { kind: 'users' as const, users: item.kind === 'user' ? [item.userId] : item.users };
        answers[index] = schedulePush(context, audience, input, { ...timing, deliverAt: timing.deliverAt }).then((answer) => ({ status: 201, ...answer }), failed);
      } else if (item.kind === 'topic') {
        const audience = { kind: 'topic', topic: item.topic } as const;
        answers[index] = fanOut.pushSharedUnlessMuted(audience, { ...input, expiresAt: timing.expiresAt }).then(async ({ notification, delivered, muted }) => {
          metrics.pushes.labels('topic').inc();
          const count = await store.audienceSize(notification.id, audience);
          return { status: 201, id: notification.id, timestamp: notification.timestamp, count, delivered, suppressed: muted };
        }, failed);
      } else {
        const cap = caps[at]!;
        if (item.kind === 'user' && cap.capped.length > 0) {
          answers[index] = failed(userCappedInItem(item.userId, index, cap.retryAfterMs));
          continue;
        }
        const capped = new Set(cap.capped);
        const pushed = item.kind === 'user' ? [item.userId] : item.users.filter((u) => !capped.has(u));
        slots.push({ index, item, from: unicast.length, pushed, capped: cap.capped });
        const timed = { ...input, expiresAt: timing.expiresAt };
        for (const userId of pushed) unicast.push({ userId, input: timed });
      }
    }
    const outcomes = unicast.length === 0 ? [] : await fanOut.pushMany(unicast);
    for (const { index, item, from, pushed, capped } of slots) {
      if (item.kind === 'user') {
        const outcome = outcomes[from]!;
        answers[index] = outcome.status === 'fulfilled' ? unicastAnswer(outcome.value) : failed(outcome.reason);
        continue;
      }
      const mine = outcomes.slice(from, from + pushed.length);
      const rejected = mine.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (rejected) {
        answers[index] = failed(rejected.reason);
        continue;
      }
      const results = mine.map((o, i) => {
        const result = (o as PromiseFulfilledResult<PushResult | 'muted'>).value;
        const userId = pushed[i]!;
        if (result === 'muted') return { userId, suppressed: true as const, created: false };
        return { userId, id: result.notification.id, timestamp: result.notification.timestamp, delivered: result.delivered, created: result.created };
      });
      const suppressed = results.filter((r) => 'suppressed' in r).length;
      const created = results.filter((r) => r.created).length;
      metrics.pushes.labels('created').inc(created);
      metrics.pushes.labels('replayed').inc(results.length - suppressed - created);
      metrics.pushes.labels('suppressed').inc(suppressed);
      // The whole item was pushed before (a retry with the same key): every recipient's push is a replay.
      const replayed = created === 0 && suppressed < results.length;
      answers[index] = {
        status: 201,
        count: results.length + capped.length,
        suppressed,
        ...(capped.length > 0 ? { capped: capped.length } : {}),
        notifications: [...results.map(({ created: _created, ...entry }) => entry), ...capped.map((userId) => ({ userId, capped: true as const }))],
        ...(replayed ? { replayed: true } : {}),
      };
    }
    sendJson(response, 200, { results: await Promise.all(answers) });
  });
}
