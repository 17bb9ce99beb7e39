// The push API (docs/http-api.md): push to a user, to many or to all, list a user's notifications, change their state.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthorizeService } from '../auth/service-auth.js';
import { isCatalogCategory, type Catalog } from '../catalog/catalog.js';
import { checkNotificationData } from '../contract/check-notification.js';
import { notificationIdPattern } from '../../generated/index.js';
import { HttpError } from '../errors.js';
import type { PushInput } from '../hub/fan-out.js';
import type { StateChange } from '../store/store.js';
import type { ServerContext } from '../server-context.js';
import { readJsonBody } from './body.js';
import { answerScheduled, pushTiming, timingFields } from './push-timing.js';
import { sendJson, type Router } from './router.js';
import { isUserId, maxIdempotencyKeyLength, maxUserIdLength, maxUsersPerPush } from '../ids.js';


export function userIdParam(value: string | undefined): string {
  if (!value || value.length > maxUserIdLength) throw new HttpError('bad_request', `userId must be 1–${maxUserIdLength} characters`);
  return value;
}

export function object(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError('bad_request', 'Body must be a JSON object');
  return body as Record<string, unknown>;
}

/** The push body fields besides the audience (`critical`: delivered whatever the recipients' preferences). */
export const pushFields = ['type', 'data', 'category', 'critical'] as const;

/** Checks {type, data, category?, critical?} against the contract (422 with pointers when off-contract); timing fields pass. */
export function pushInput(catalog: Catalog, body: Record<string, unknown>, allowed: readonly string[], idempotencyKey: string | undefined): PushInput {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key) && !(timingFields as readonly string[]).includes(key)) throw new HttpError('off_contract', `Unknown field "${key}"`, [{ pointer: `/${key}`, message: 'is not allowed' }]);
  }
  const check = checkNotificationData(body['type'], body['data'], catalog);
  if (!check.ok) throw new HttpError('off_contract', check.message, check.errors);
  const category = body['category'];
  if (category !== undefined && !isCatalogCategory(catalog, category)) {
    const message = `must be one of the catalog's categories: ${catalog.notificationCategories.join(', ')}`;
    throw new HttpError('off_contract', `category ${JSON.stringify(category)} is not declared by the contract (info.x-notify-categories)`, [{ pointer: '/category', message }]);
  }
  const critical = body['critical'];
  if (critical !== undefined && typeof critical !== 'boolean') {
    throw new HttpError('off_contract', 'critical must be true or false', [{ pointer: '/critical', message: 'must be boolean' }]);
  }
  return { type: check.type, data: check.data as PushInput['data'], category, idempotencyKey, ...(critical === true ? { critical } : {}) };
}

function idempotencyKeyOf(request: IncomingMessage): string | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || key.length < 1 || key.length > maxIdempotencyKeyLength) {
    throw new HttpError('bad_request', `Idempotency-Key must be 1–${maxIdempotencyKeyLength} characters`);
  }
  return key;
}

export function intParam(url: URL, name: string, min: number, max: number, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new HttpError('bad_request', `${name} must be an integer from ${min} to ${max}`);
  return value;
}

/** An optional `true`/`false` query parameter. */
function booleanParam(url: URL, name: string): boolean | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  if (raw !== 'true' && raw !== 'false') throw new HttpError('bad_request', `${name} must be true or false`);
  return raw === 'true';
}

/** An optional query parameter of 1–64 characters. */
function textParam(url: URL, name: string): string | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  if (raw.length < 1 || raw.length > 64) throw new HttpError('bad_request', `${name} must be 1–64 characters`);
  return raw;
}

/** 429 for a push to a user who was pushed the per-minute cap (`--user-cap-per-minute`), with `Retry-After`. */
function userCapped(response: ServerResponse, userId: string, retryAfterMs: number): HttpError {
  response.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return new HttpError('user_capped', `User ${JSON.stringify(userId.slice(0, 80))} was pushed the most notifications allowed per minute; nothing was stored`);
}

export function addNotificationRoutes(router: Router, context: ServerContext, authorize: AuthorizeService): void {
  const { config, fanOut, store, metrics, userCaps } = context;

  router.on('POST', '/api/v1/users/:userId/notifications', async ({ request, response, params }) => {
    const started = process.hrtime.bigint();
    await authorize(request, response, 'push');
    const userId = userIdParam(params['userId']);
    const idempotencyKey = idempotencyKeyOf(request);
    const body = object(await readJsonBody(request, config.maxBodyBytes));
    const input = pushInput(context.catalog, body, pushFields, idempotencyKey);
    const { deliverAt, expiresAt } = pushTiming(body);
    if (deliverAt !== undefined) return answerScheduled(context, response, { kind: 'users', users: [userId] }, input, { deliverAt, expiresAt });
    const cap = await userCaps.admit([userId]);
    if (cap.capped.length > 0) throw userCapped(response, userId, cap.retryAfterMs);
    const result = await fanOut.pushUnlessMuted(userId, { ...input, expiresAt });
    if (result === 'muted') {
      metrics.pushes.labels('suppressed').inc();
      sendJson(response, 201, { suppressed: true });
      return;
    }
    metrics.pushes.labels(result.created ? 'created' : 'replayed').inc();
    metrics.pushLatencySeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    sendJson(
      response,
      201,
      { id: result.notification.id, timestamp: result.notification.timestamp, delivered: result.delivered },
      result.created ? {} : { 'idempotent-replayed': 'true' },
    );
  });

  router.on('POST', '/api/v1/notifications', async ({ request, response }) => {
    await authorize(request, response, 'push');
    const idempotencyKey = idempotencyKeyOf(request);
    const body = object(await readJsonBody(request, config.maxBodyBytes));
    const { users, broadcast, ...rest } = body;
    if (broadcast === true) {
      if (users !== undefined) throw new HttpError('bad_request', 'Send either "users" or "broadcast": true, not both');
      const input = pushInput(context.catalog, rest, pushFields, undefined);
      const audience = { kind: 'broadcast' } as const;
      const { deliverAt, expiresAt } = pushTiming(rest);
      if (deliverAt !== undefined) return answerScheduled(context, response, audience, input, { deliverAt, expiresAt });
      const { notification, delivered, muted } = await fanOut.pushSharedUnlessMuted(audience, { ...input, expiresAt });
      metrics.pushes.labels('broadcast').inc();
      const count = await store.audienceSize(notification.id, audience);
      sendJson(response, 201, { id: notification.id, timestamp: notification.timestamp, count, delivered, suppressed: muted });
      return;
    }
    if (!Array.isArray(users) || users.length === 0 || users.length > maxUsersPerPush || !users.every(isUserId)) {
      throw new HttpError('bad_request', `"users" must be 1–${maxUsersPerPush} user ids, or send "broadcast": true`);
    }
    const input = pushInput(context.catalog, rest, pushFields, idempotencyKey);
    const { deliverAt, expiresAt } = pushTiming(rest);
    const recipients = [...new Set(users as string[])];
    if (deliverAt !== undefined) return answerScheduled(context, response, { kind: 'users', users: recipients }, input, { deliverAt, expiresAt });
    const cap = await userCaps.admit(recipients);
    const capped = new Set(cap.capped);
    // Concurrent appends share one group commit.
    const results = await Promise.all(
      recipients.map(async (userId) => {
        if (capped.has(userId)) return { userId, capped: true as const };
        const result = await fanOut.pushUnlessMuted(userId, { ...input, expiresAt });
        if (result === 'muted') return { userId, suppressed: true as const };
        metrics.pushes.labels(result.created ? 'created' : 'replayed').inc();
        return { userId, id: result.notification.id, timestamp: result.notification.timestamp, delivered: result.delivered };
      }),
    );
    const suppressed = results.filter((r) => 'suppressed' in r).length;
    metrics.pushes.labels('suppressed').inc(suppressed);
    sendJson(response, 201, { count: results.length, suppressed, ...(capped.size > 0 ? { capped: capped.size } : {}), notifications: results });
  });

  router.on('GET', '/api/v1/users/:userId/notifications', async ({ request, response, params, url }) => {
    await authorize(request, response, 'read');
    const userId = userIdParam(params['userId']);
    const before = url.searchParams.get('before') ?? undefined;
    if (before !== undefined && !notificationIdPattern.test(before)) throw new HttpError('bad_request', 'before must be a notification id');
    const page = await store.page(userId, {
      before,
      limit: intParam(url, 'limit', 1, 100, config.pageSize),
      unreadOnly: booleanParam(url, 'unread'),
      archived: booleanParam(url, 'archived'),
      category: textParam(url, 'category'),
      type: textParam(url, 'type'),
    });
    sendJson(response, 200, page);
  });

  const changeState = async (request: IncomingMessage, response: ServerResponse, params: Record<string, string | undefined>, change: StateChange): Promise<void> => {
    await authorize(request, response, 'push');
    const userId = userIdParam(params['userId']);
    const result = await fanOut.changeState(userId, [params['id']!], change);
    if (result.found.length === 0) throw new HttpError('not_found', `No notification ${params['id']} for user ${userId}`);
  };
  const routeChanges: [string, StateChange][] = [['seen', 'seen'], ['read', 'read'], ['archive', 'archive'], ['unarchive', 'unarchive']];
  for (const [segment, change] of routeChanges) {
    router.on('POST', `/api/v1/users/:userId/notifications/:id/${segment}`, async ({ request, response, params }) => {
      await changeState(request, response, params, change);
      response.writeHead(204).end();
    });
  }
  router.on('DELETE', '/api/v1/users/:userId/notifications/:id', async ({ request, response, params }) => {
    await changeState(request, response, params, 'delete');
    response.writeHead(204).end();
  });
}
