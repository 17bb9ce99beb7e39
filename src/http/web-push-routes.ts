// The Web Push API: the public key, a user's subscriptions, the service worker's read and renew calls, and sw.js.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { AuthorizeService } from '../auth/service-auth.js';
import { HttpError } from '../errors.js';
import type { UserId } from '../ids.js';
import { packageRoot } from '../paths.js';
import type { ServerContext } from '../server-context.js';
import { principalOf } from '../auth/user-principal.js';
import { webPushSubscriptionIdPattern } from '../store/web-push.js';
import type { WebPushService } from '../web-push/index.js';
import { subscriptionOf, viewOf } from '../web-push/subscriptions.js';
import { readJsonBody } from './body.js';
import { object, userIdParam } from './notification-routes.js';
import { sendJson, type Router } from './router.js';

/** Where `npm run build` puts the service worker (from web/sw.js). */
export const serviceWorkerFile = path.join(packageRoot, 'dist', 'web', 'sw.js');

/**
 * The service worker's calls carry their own credential (a read token, a subscription's secret) in a body a browser
 * may send cross-origin without a preflight (`text/plain`); any origin may read the answer.
 */
const openToAnyOrigin = { 'access-control-allow-origin': '*' };

export function addWebPushRoutes(router: Router, context: ServerContext, authorize: AuthorizeService): void {
  const { config } = context;

  const service = (): WebPushService => {
    if (!context.webPush) throw new HttpError('not_found', 'Web Push is not enabled on this server (start it with --web-push-keys)');
    return context.webPush;
  };
  /** The user a request's `Authorization: Bearer` token speaks for (their own subscriptions only). */
  const userOf = async (request: IncomingMessage): Promise<UserId> => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new HttpError('unauthorized', "A user's token is required: Authorization: Bearer <token>");
    const admitted = await principalOf(match[1]!, 'header', context);
    if (admitted.ok) return admitted.principal.userId;
    throw admitted.error === 'forbidden' ? new HttpError('forbidden', 'The token lacks a required scope') : new HttpError('unauthorized', 'Invalid or expired token');
  };

  router.on('GET', '/api/v1/web-push/public-key', ({ response }) => {
    sendJson(response, 200, { publicKey: service().publicKey });
  });

  router.on('POST', '/api/v1/web-push/subscriptions', async ({ request, response }) => {
    const webPush = service();
    const userId = await userOf(request);
    const subscription = subscriptionOf(await readJsonBody(request, config.maxBodyBytes), { allowHttp: config.webPush.allowHttp });
    const { record } = await webPush.subscriptions.register(userId, subscription);
    sendJson(response, 201, viewOf(record));
  });

  router.on('DELETE', '/api/v1/web-push/subscriptions/:id', async ({ request, response, params }) => {
    const webPush = service();
    const userId = await userOf(request);
    const id = params['id'] ?? '';
    if (!webPushSubscriptionIdPattern.test(id) || !(await webPush.subscriptions.unregister(userId, id))) {
      throw new HttpError('not_found', 'No such Web Push subscription of this user');
    }
    response.writeHead(204).end();
  });

  router.on('GET', '/api/v1/users/:userId/web-push/subscriptions', async ({ request, response, params }) => {
    await authorize(request, response, 'read');
    const userId = userIdParam(params['userId']);
    sendJson(response, 200, { subscriptions: (await service().subscriptions.list(userId)).map(viewOf) });
  });

  // The service worker on a notification click: the payload's read token marks that one notification read.
  router.on('POST', '/api/v1/web-push/read', async ({ request, response }) => {
    const webPush = service();
    const body = object(await readJsonBody(request, config.maxBodyBytes));
    const grant = typeof body['token'] === 'string' ? await webPush.readTokens.verify(body['token']) : undefined;
    if (!grant) throw new HttpError('unauthorized', 'Invalid or expired read token');
    const result = await context.fanOut.markRead(grant.userId, [grant.notificationId]);
    if (result.found.length === 0) throw new HttpError('not_found', 'The notification is gone');
    response.writeHead(204, openToAnyOrigin).end();
  });

  // The service worker on `pushsubscriptionchange`: the old subscription's secret proves the browser held it.
  router.on('POST', '/api/v1/web-push/subscriptions/renew', async ({ request, response }) => {
    const webPush = service();
    const body = object(await readJsonBody(request, config.maxBodyBytes));
    const { oldEndpoint, oldAuth } = body;
    if (typeof oldEndpoint !== 'string' || typeof oldAuth !== 'string') {
      throw new HttpError('off_contract', 'Send {oldEndpoint, oldAuth, subscription}', [{ pointer: typeof oldEndpoint === 'string' ? '/oldAuth' : '/oldEndpoint', message: 'must be a string' }]);
    }
    const subscription = subscriptionOf(body['subscription'], { allowHttp: config.webPush.allowHttp }, '/subscription');
    const record = await webPush.subscriptions.renew(oldEndpoint, oldAuth, subscription);
    sendJson(response, 201, viewOf(record), openToAnyOrigin);
  });

  router.on('GET', '/sw.js', async ({ response }) => {
    await sendServiceWorker(response);
  });
}

async function sendServiceWorker(response: ServerResponse): Promise<void> {
  const text = await readFile(serviceWorkerFile, 'utf8').catch(() => undefined);
  if (text === undefined) throw new HttpError('not_found', 'sw.js is not built: run npm run build');
  response
    .writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' })
    .end(text);
}
