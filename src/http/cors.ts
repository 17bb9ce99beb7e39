// CORS for routes a page on another origin may read: the request's Origin is echoed when `--allowed-origins` lists it.
import type { IncomingMessage } from 'node:http';

/**
 * `Access-Control-Allow-Origin` for the request's Origin when `allowedOrigins` lists it, else nothing (with an empty
 * list only same-origin pages read the answer, as with the cookie credential). `Vary: Origin` always, since the
 * headers differ by Origin and a shared cache must not hand one origin's answer to another.
 */
export function corsHeaders(request: IncomingMessage, allowedOrigins: readonly string[]): Record<string, string> {
  const origin = request.headers.origin;
  if (origin === undefined || !allowedOrigins.includes(origin)) return { vary: 'Origin' };
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

/** The answer to a preflight (`OPTIONS`) for a route that allows `methods` and the request `headers` named. */
export function preflightHeaders(request: IncomingMessage, allowedOrigins: readonly string[], methods: readonly string[], headers: readonly string[]): Record<string, string> {
  const cors = corsHeaders(request, allowedOrigins);
  if (!('access-control-allow-origin' in cors)) return cors;
  return { ...cors, 'access-control-allow-methods': methods.join(', '), 'access-control-allow-headers': headers.join(', '), 'access-control-max-age': '600' };
}
