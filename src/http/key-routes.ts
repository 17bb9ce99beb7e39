// The admin API for API keys: create (the key shown once), list (never the key), revoke; scope `admin`.
import type { ApiKeyCache } from '../auth/api-key-cache.js';
import { checkKeyName, createApiKey, keyView } from '../auth/api-key-admin.js';
import { checkScopes, parseRate } from '../auth/api-key.js';
import type { AuthorizeService } from '../auth/service-auth.js';
import { HttpError } from '../errors.js';
import type { ServerContext } from '../server-context.js';
import { ApiKeyNameTaken, type ApiKeyRate, type ApiKeyScope } from '../store/api-keys.js';
import { readJsonBody } from './body.js';
import { object } from './notification-routes.js';
import { sendJson, type Router } from './router.js';

/** `{name, scopes, rate?}` → a key request; 400 naming the field at fault. */
function keyRequestOf(body: Record<string, unknown>): { name: string; scopes: ApiKeyScope[]; rate?: ApiKeyRate } {
  const { name, scopes, rate, ...rest } = body;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw new HttpError('bad_request', `Unknown field "${extra}": send {"name", "scopes", "rate"?}`);
  if (typeof name !== 'string') throw new HttpError('bad_request', '"name" must be a string');
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) throw new HttpError('bad_request', '"scopes" must be an array such as ["push", "read"]');
  if (rate !== undefined && typeof rate !== 'string') throw new HttpError('bad_request', '"rate" must be a string such as "100/s"');
  try {
    return { name: checkKeyName(name), scopes: checkScopes(scopes), ...(rate === undefined ? {} : { rate: parseRate(rate) }) };
  } catch (error) {
    throw new HttpError('bad_request', (error as Error).message);
  }
}

export function addKeyRoutes(router: Router, context: ServerContext, authorize: AuthorizeService, keys: ApiKeyCache): void {
  const { config, store, logger } = context;

  router.on('POST', '/api/v1/keys', async ({ request, response }) => {
    const caller = await authorize(request, response, 'admin');
    const keyRequest = keyRequestOf(object(await readJsonBody(request, config.maxBodyBytes)));
    let created;
    try {
      created = await createApiKey(store.apiKeys, keyRequest);
    } catch (error) {
      if (error instanceof ApiKeyNameTaken) throw new HttpError('conflict', error.message);
      throw error;
    }
    // This node at once; the others at their next poll.
    await keys.refresh();
    logger.info({ key: created.record.name, scopes: created.record.scopes, by: caller.name }, 'API key created');
    sendJson(response, 201, { ...keyView(created.record), key: created.key });
  });

  router.on('GET', '/api/v1/keys', async ({ request, response }) => {
    await authorize(request, response, 'admin');
    sendJson(response, 200, { keys: (await store.apiKeys.list()).map(keyView) });
  });

  router.on('DELETE', '/api/v1/keys/:name', async ({ request, response, params }) => {
    const caller = await authorize(request, response, 'admin');
    const name = params['name'] ?? '';
    if (!(await store.apiKeys.revoke(name, Date.now()))) throw new HttpError('not_found', `No API key named ${JSON.stringify(name.slice(0, 80))} (or it is revoked already)`);
    await keys.refresh();
    logger.info({ key: name, by: caller.name }, 'API key revoked');
    response.writeHead(204).end();
  });
}
