// DELETE /api/v1/notifications/{id}: cancels a scheduled push, or retracts a delivered notification.
import type { AuthorizeService } from '../auth/service-auth.js';
import { HttpError } from '../errors.js';
import type { ServerContext } from '../server-context.js';
import type { Router } from './router.js';

export function addRemovalRoutes(router: Router, context: ServerContext, authorize: AuthorizeService): void {
  const { fanOut, store, metrics } = context;

  /**
   * `id` is a schedule handle (`sched_…`: cancelled while pending, what it became retracted once delivered) or a
   * feed id (that notification retracted, for its whole audience). 204 either way, also when already done; 404
   * for an id nothing is known by. Every connected device of each recipient, on every node, is told.
   */
  router.on('DELETE', '/api/v1/notifications/:id', async ({ request, response, params }) => {
    await authorize(request, response, 'push');
    const id = params['id'] ?? '';
    const result = await store.remove(id);
    if (result.outcome === 'unknown') throw new HttpError('not_found', `No scheduled push or notification ${JSON.stringify(id.slice(0, 80))}`);
    if (result.outcome === 'retracted') await fanOut.retracted(result.removed);
    metrics.pushes.labels(result.outcome).inc();
    response.writeHead(204).end();
  });
}
