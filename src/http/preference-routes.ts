// The preferences API for backends: read a user's preferences, replace them.
import type { AuthorizeService } from '../auth/service-auth.js';
import { preferenceChangeOf } from '../hub/preferences.js';
import type { ServerContext } from '../server-context.js';
import { readJsonBody } from './body.js';
import { object, userIdParam } from './notification-routes.js';
import { sendJson, type Router } from './router.js';

export function addPreferenceRoutes(router: Router, context: ServerContext, authorize: AuthorizeService): void {
  const { config, preferences } = context;

  router.on('GET', '/api/v1/users/:userId/preferences', async ({ request, response, params }) => {
    await authorize(request, response, 'read');
    sendJson(response, 200, await preferences.get(userIdParam(params['userId'])));
  });

  // Replaces: every name the body does not turn off is on afterwards. Every device of the user is told.
  router.on('PUT', '/api/v1/users/:userId/preferences', async ({ request, response, params }) => {
    await authorize(request, response, 'push');
    const userId = userIdParam(params['userId']);
    const change = preferenceChangeOf(object(await readJsonBody(request, config.maxBodyBytes)));
    sendJson(response, 200, await preferences.set(userId, change, 'replace'));
  });
}
