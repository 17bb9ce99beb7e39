// The webhook API for backends (scope admin): register, list, change and delete endpoints, send a test event, list and replay dead letters.
import { randomBytes } from 'node:crypto';
import { webhookEventTypes, type WebhookEventType } from '../../generated/index.js';
import type { AuthorizeService } from '../auth/service-auth.js';
import { HttpError, NotifyError } from '../errors.js';
import type { ServerContext } from '../server-context.js';
import { endpointIdPattern } from '../store/webhook-rows.js';
import type { WebhookEndpoint } from '../store/store.js';
import type { WebhookDeliveryLoop } from '../webhooks/delivery-loop.js';
import { checkWebhookUrl } from '../webhooks/ssrf-guard.js';
import { readJsonBody } from './body.js';
import { object } from './notification-routes.js';
import { sendJson, type Router } from './router.js';

/** Event types an endpoint may subscribe to (`webhook.test` is sent on request, whatever it subscribes to). */
const subscribable = webhookEventTypes.filter((type) => type !== 'webhook.test');
const maxDescription = 500;
const maxUrl = 2048;

function events(value: unknown): WebhookEventType[] {
  if (!Array.isArray(value) || value.length === 0) throw new NotifyError('off_contract', `events must be a non-empty list of: ${subscribable.join(', ')}`, [{ pointer: '/events', message: 'must be a non-empty array' }]);
  const unknown = value.filter((v) => !(subscribable as readonly unknown[]).includes(v));
  if (unknown.length) {
    throw new NotifyError('off_contract', `Unknown event type ${JSON.stringify(unknown[0])}; one of: ${subscribable.join(', ')}`, [{ pointer: `/events/${value.indexOf(unknown[0])}`, message: 'is not a webhook event type' }]);
  }
  return [...new Set(value as WebhookEventType[])];
}

function description(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > maxDescription) throw new NotifyError('off_contract', `description must be a string of at most ${maxDescription} characters`, [{ pointer: '/description', message: 'must be a short string' }]);
  return value;
}

function only(body: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(body).find((key) => !allowed.includes(key));
  if (extra !== undefined) throw new NotifyError('off_contract', `Unknown field ${JSON.stringify(extra)}; allowed: ${allowed.join(', ')}`, [{ pointer: `/${extra}`, message: 'is not allowed' }]);
}

function endpointIdParam(value: string | undefined): string {
  if (!value || !endpointIdPattern.test(value)) throw new HttpError('not_found', `No webhook endpoint ${JSON.stringify((value ?? '').slice(0, 80))}`);
  return value;
}

export function addWebhookRoutes(router: Router, context: ServerContext, loop: WebhookDeliveryLoop, authorize: AuthorizeService): void {
  const { config, store } = context;
  const webhooks = store.webhooks;
  const known = (endpoint: WebhookEndpoint | undefined, id: string): WebhookEndpoint => {
    if (!endpoint) throw new HttpError('not_found', `No webhook endpoint ${id}`);
    return endpoint;
  };

  /** Registers an endpoint; its signing secret is in this answer only. */
  router.on('POST', '/api/v1/webhooks', async ({ request, response }) => {
    await authorize(request, response, 'admin');
    const body = object(await readJsonBody(request, config.maxBodyBytes));
    only(body, ['url', 'events', 'description']);
    if (typeof body['url'] !== 'string' || body['url'].length > maxUrl) throw new NotifyError('off_contract', `url must be an https URL of at most ${maxUrl} characters`, [{ pointer: '/url', message: 'must be a URL' }]);
    const checked = await checkWebhookUrl(body['url'], config.webhooks.allowLocal);
    if ('error' in checked) throw new NotifyError('off_contract', `url refused: ${checked.error}`, [{ pointer: '/url', message: checked.error }]);
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const desc = description(body['description']);
    const endpoint = await webhooks.createEndpoint({ url: checked.url.href, events: events(body['events']), secret, ...(desc !== undefined && { description: desc }) }, Date.now());
    loop.endpointsChanged();
    sendJson(response, 201, { ...endpoint, secret });
  });

  router.on('GET', '/api/v1/webhooks', async ({ request, response }) => {
    await authorize(request, response, 'admin');
    sendJson(response, 200, { endpoints: await webhooks.listEndpoints() });
  });

  /** Dead letters, oldest first (`after`: the previous page's `nextCursor`). */
  router.on('GET', '/api/v1/webhooks/dead-letters', async ({ request, response, url }) => {
    await authorize(request, response, 'admin');
    const limit = Number(url.searchParams.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new HttpError('bad_request', 'limit must be an integer from 1 to 1000');
    const after = url.searchParams.get('after') ?? undefined;
    if (after !== undefined && !/^\d{1,19}$/.test(after)) throw new HttpError('bad_request', 'after must be the nextCursor of a previous page');
    const endpointId = url.searchParams.get('endpoint') ?? undefined;
    const page = await webhooks.deadLetters({ limit: limit + 1, ...(after !== undefined && { after }), ...(endpointId !== undefined && { endpointId }) });
    const listed = page.slice(0, limit);
    sendJson(response, 200, { deadLetters: listed, nextCursor: page.length > limit ? listed.at(-1)!.seq : null });
  });

  /** Puts dead letters back in the queue with a new 24-hour window: those of `endpointId`, these `eventIds`, or all. */
  router.on('POST', '/api/v1/webhooks/dead-letters/replay', async ({ request, response }) => {
    await authorize(request, response, 'admin');
    const body = object(await readJsonBody(request, config.maxBodyBytes));
    only(body, ['endpointId', 'eventIds']);
    const endpointId = body['endpointId'];
    const eventIds = body['eventIds'];
    if (endpointId !== undefined && typeof endpointId !== 'string') throw new NotifyError('off_contract', 'endpointId must be a string', [{ pointer: '/endpointId', message: 'must be a string' }]);
    if (eventIds !== undefined && (!Array.isArray(eventIds) || eventIds.length > 1000 || !eventIds.every((id) => typeof id === 'string'))) {
      throw new NotifyError('off_contract', 'eventIds must be a list of at most 1000 event ids', [{ pointer: '/eventIds', message: 'must be an array of strings' }]);
    }
    const replayed = await webhooks.replay({ ...(endpointId !== undefined && { endpointId }), ...(eventIds !== undefined && { eventIds: eventIds as string[] }) }, Date.now());
    loop.wake();
    sendJson(response, 200, { replayed });
  });

  router.on('GET', '/api/v1/webhooks/:id', async ({ request, response, params }) => {
    await authorize(request, response, 'admin');
    const id = endpointIdParam(params['id']);
    const endpoint = await webhooks.endpointWithSecret(id);
    if (!endpoint) throw new HttpError('not_found', `No webhook endpoint ${id}`);
    const { secret: _secret, ...listed } = endpoint;
    sendJson(response, 200, listed);
  });

  /** Changes `events`, `enabled` (enabling clears the failure record) or `description`. */
  router.on('PATCH', '/api/v1/webhooks/:id', async ({ request, response, params }) => {
    await authorize(request, response, 'admin');
    const id = endpointIdParam(params['id']);
    const body = object(await readJsonBody(request, config.maxBodyBytes));
    only(body, ['events', 'enabled', 'description']);
    if (body['enabled'] !== undefined && typeof body['enabled'] !== 'boolean') throw new NotifyError('off_contract', 'enabled must be true or false', [{ pointer: '/enabled', message: 'must be a boolean' }]);
    const desc = description(body['description']);
    const change = {
      ...(body['events'] !== undefined && { events: events(body['events']) }),
      ...(body['enabled'] !== undefined && { enabled: body['enabled'] as boolean }),
      ...(desc !== undefined && { description: desc }),
    };
    const endpoint = known(await webhooks.updateEndpoint(id, change), id);
    loop.endpointsChanged();
    if (change.enabled) loop.wake();
    sendJson(response, 200, endpoint);
  });

  /** Deletes the endpoint and every event waiting for it. */
  router.on('DELETE', '/api/v1/webhooks/:id', async ({ request, response, params }) => {
    await authorize(request, response, 'admin');
    const id = endpointIdParam(params['id']);
    if (!(await webhooks.deleteEndpoint(id))) throw new HttpError('not_found', `No webhook endpoint ${id}`);
    loop.endpointsChanged();
    response.writeHead(204).end();
  });

  /** Queues a `webhook.test` event for the endpoint (202: it is sent by the delivery loop, retried like any other). */
  router.on('POST', '/api/v1/webhooks/:id/test', async ({ request, response, params }) => {
    await authorize(request, response, 'admin');
    const id = endpointIdParam(params['id']);
    const eventId = await webhooks.enqueueTest(id, Date.now());
    if (eventId === undefined) throw new HttpError('not_found', `No webhook endpoint ${id}`);
    loop.wake();
    sendJson(response, 202, { eventId });
  });
}
