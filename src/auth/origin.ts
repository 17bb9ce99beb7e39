// Cookie credentials are only honoured from allowed Origins (CSRF-style cross-site WebSocket hijacking).
import type { IncomingMessage } from 'node:http';

/**
 * True when `origin` may use the cookie credential: it is in `allowedOrigins`, or (with an empty list)
 * it is the server's own origin as the request's Host names it. A missing Origin (non-browser client) is allowed,
 * since browsers always send one on WebSocket upgrades.
 */
export function cookieOriginAllowed(request: IncomingMessage, allowedOrigins: readonly string[], secure: boolean): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins.length > 0) return allowedOrigins.includes(origin);
  const host = request.headers.host;
  if (!host) return false;
  return origin === `${secure ? 'https' : 'http'}://${host}`;
}
