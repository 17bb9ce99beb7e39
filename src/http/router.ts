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
  /** The path's literal start (up to its first `:param`): routes that cannot match are passed over without the regex. */
  prefix: string;
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
    const param = path.indexOf('/:');
    this.routes.push({ method, path, prefix: param < 0 ? path : path.slice(0, param + 1), pattern, names, handler });
    return this;
  }

  /** Every route as `METHOD /path/:param`, in registration order (a test keeps openapi.json in step with it). */
  get registered(): string[] {
    return this.routes.map((r) => `${r.method} ${r.path}`);
  }

  /** Handles the request; false when no route matched the path (so another listener may take it). */
  async handle(request: IncomingMessage, response: ServerResponse, logger: Logger): Promise<boolean> {
    const raw = request.url ?? '/';
    let parsed: URL | undefined;
    const parse = (): URL => (parsed ??= new URL(raw, 'http://localhost'));
    // The push path's requests need no URL object (a profile put `new URL` at ~1.5 % of a push): a plain path is
    // matched as it came, anything the URL parser would rewrite (dot segments, characters it escapes) is parsed first.
    const pathname = plainPathname(raw) ?? parse().pathname;
    let pathMatched = false;
    for (const route of this.routes) {
      if (!pathname.startsWith(route.prefix)) continue;
      const match = route.pattern.exec(pathname);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== request.method && !(route.method === 'GET' && request.method === 'HEAD')) continue;
      const params: Record<string, string> = {};
      try {
        route.names.forEach((name, i) => {
          params[name] = decodeURIComponent(match[i + 1]!);
        });
        await route.handler({
          request,
          response,
          get url() {
            return parse();
          },
          params,
        });
      } catch (error) {
        sendError(response, error, logger, request);
      }
      return true;
    }
    if (pathMatched) sendError(response, new HttpError('method_not_allowed', `${request.method ?? ''} is not allowed on ${pathname}`), logger, request);
    return pathMatched;
  }
}

/** Characters the WHATWG URL parser leaves alone in a path (it escapes others, e.g. space, quote, braces, non-ASCII). */
const plainPath = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
/** Dot segments (`.`, `..`, or their %2e spellings), which the parser resolves. */
const dotSegment = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

/** The pathname `new URL(raw)` would give, when it is `raw`'s path unchanged; undefined when parsing could change it. */
export function plainPathname(raw: string): string | undefined {
  const end = raw.indexOf('?');
  const path = end < 0 ? raw : raw.slice(0, end);
  // `//host/…` would be read as an authority.
  return plainPath.test(path) && !path.startsWith('//') && !dotSegment.test(path) ? path : undefined;
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
