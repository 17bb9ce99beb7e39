// Status, health, readiness and metrics endpoints.
import { errorRegistry } from '../errors.js';
import type { ServerContext } from '../server-context.js';
import { sendJson, type Router } from './router.js';

export function addStatusRoutes(router: Router, context: ServerContext, info: { name: string; version: string }): void {
  router.on('GET', '/api/status/ping', ({ response }) => {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('pong');
  });
  router.on('GET', '/api/status/info', ({ response }) => sendJson(response, 200, info));
  router.on('GET', '/healthz', ({ response }) => sendJson(response, 200, { status: 'ok' }));
  router.on('GET', '/readyz', ({ response }) => {
    if (context.shuttingDown()) sendJson(response, errorRegistry.shutting_down.status, { status: 'shutting_down' });
    else sendJson(response, 200, { status: 'ready', connections: context.hub.size });
  });
  router.on('GET', '/metrics', async ({ response }) => {
    const text = await context.metrics.registry.metrics();
    response.writeHead(200, { 'content-type': context.metrics.registry.contentType }).end(text);
  });
}
