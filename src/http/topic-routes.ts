// The topic API (docs/http-api.md): subscribe, unsubscribe and list a topic's users, push to a topic.
import type { AuthorizeService } from '../auth/service-auth.js';
import { HttpError } from '../errors.js';
import type { ServerContext } from '../server-context.js';
import { topicPattern } from '../store/store.js';
import { readJsonBody } from './body.js';
import { answerScheduled, pushTiming } from './push-timing.js';
import { intParam, object, pushFields, pushInput } from './notification-routes.js';
import { sendJson, type Router } from './router.js';
import { isUserId, maxUserIdLength } from '../ids.js';

const maxUsersPerChange = 1000;

function topicParam(value: string | undefined): string {
  if (value === undefined || !topicPattern.test(value)) throw new HttpError('bad_request', 'topic must match [A-Za-z0-9._:-]{1,128}');
  return value;
}

/** The `{users: [...]}` body of a subscription change: 1–1000 user ids, duplicates dropped. */
function usersOf(body: Record<string, unknown>): string[] {
  const { users, ...rest } = body;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw new HttpError('bad_request', `Unknown field "${extra}": send {"users": [...]}`);
  if (!Array.isArray(users) || users.length === 0 || users.length > maxUsersPerChange) {
    throw new HttpError('bad_request', `"users" must be 1–${maxUsersPerChange} user ids`);
  }
  if (!users.every(isUserId)) {
    throw new HttpError('bad_request', `every user id must be a string of 1–${maxUserIdLength} characters`);
  }
  return [...new Set(users)];
}

export function addTopicRoutes(router: Router, context: ServerContext, authorize: AuthorizeService): void {
  const { config, fanOut, store, metrics } = context;

  router.on('PUT', '/api/v1/topics/:topic/subscribers', async ({ request, response, params }) => {
    await authorize(request, response, 'push');
    const topic = topicParam(params['topic']);
    await store.subscribe(topic, usersOf(object(await readJsonBody(request, config.maxBodyBytes))));
    response.writeHead(204).end();
  });

  router.on('DELETE', '/api/v1/topics/:topic/subscribers', async ({ request, response, params }) => {
    await authorize(request, response, 'push');
    const topic = topicParam(params['topic']);
    await store.unsubscribe(topic, usersOf(object(await readJsonBody(request, config.maxBodyBytes))));
    response.writeHead(204).end();
  });

  router.on('GET', '/api/v1/topics/:topic/subscribers', async ({ request, response, params, url }) => {
    await authorize(request, response, 'read');
    const topic = topicParam(params['topic']);
    const after = url.searchParams.get('after') ?? undefined;
    if (after !== undefined && (after.length === 0 || after.length > maxUserIdLength)) throw new HttpError('bad_request', 'after must be a user id');
    sendJson(response, 200, await store.subscribers(topic, { after, limit: intParam(url, 'limit', 1, 1000, 100) }));
  });

  router.on('POST', '/api/v1/topics/:topic/notifications', async ({ request, response, params }) => {
    await authorize(request, response, 'push');
    const audience = { kind: 'topic', topic: topicParam(params['topic']) } as const;
    const body = object(await readJsonBody(request, config.maxBodyBytes));
    const input = pushInput(context.catalog, body, pushFields, undefined);
    const { deliverAt, expiresAt } = pushTiming(body);
    if (deliverAt !== undefined) return answerScheduled(context, response, audience, input, { deliverAt, expiresAt });
    const { notification, delivered, muted } = await fanOut.pushSharedUnlessMuted(audience, { ...input, expiresAt });
    metrics.pushes.labels('topic').inc();
    const count = await store.audienceSize(notification.id, audience);
    sendJson(response, 201, { id: notification.id, timestamp: notification.timestamp, count, delivered, suppressed: muted });
  });
}
