// A small method + path-pattern router; handlers throw HttpError and the router answers with its JSON body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, NotifyError, errorRegistry } from '../errors.js';
import type { Logger } from '../logger.js';
import { loggableUrl } from '../logger.js';

export interface RouteRequest {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  params: Record<string, string>;
}

export type RouteHandler = (req: RouteRequest) => Promise<void> | void;

interface Route {
  method: string;
  path: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

export class Router {
  private readonly routes: Route[] = [];

  /** `path` may hold `:name` segments; they arrive decoded in `params`. */
  on(method: string, path: string, handler: RouteHandler): this {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/\/:([A-Za-z]+)/g, (_, name: string) => {
        names.push(name);
        return '/([^/]+)';
      })}$`,
    );
    this.routes.push({ method, path, pattern, names, handler });
    return this;
  }

  /** Every route as `METHOD /path/:param`, in registration order (a test keeps openapi.json in step with it). */
  get registered(): string[] {
    return this.routes.map((r) => `${r.method} ${r.path}`);
  }

  /** Handles the request; false when no route matched the path (so another listener may take it). */
  async handle(request: IncomingMessage, response: ServerResponse, logger: Logger): Promise<boolean> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== request.method && !(route.method === 'GET' && request.method === 'HEAD')) continue;
      const params: Record<string, string> = {};
      try {
        route.names.forEach((name, i) => {
          params[name] = decodeURIComponent(match[i + 1]!);
        });
        await route.handler({ request, response, url, params });
      } catch (error) {
        sendError(response, error, logger, request);
      }
      return true;
    }
    if (pathMatched) sendError(response, new HttpError('method_not_allowed', `${request.method ?? ''} is not allowed on ${url.pathname}`), logger, request);
    return pathMatched;
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

export function sendError(response: ServerResponse, error: unknown, logger: Logger, request: IncomingMessage): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error instanceof URIError) return sendError(response, new NotifyError('bad_request', 'Malformed percent-encoding in the path'), logger, request);
  if (error instanceof NotifyError) {
    sendJson(response, error.status, { error: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) });
    return;
  }
  logger.error({ err: error, method: request.method, url: loggableUrl(request.url) }, 'request failed');
  sendJson(response, errorRegistry.internal_error.status, { error: 'internal_error', message: 'Internal server error' });
}
