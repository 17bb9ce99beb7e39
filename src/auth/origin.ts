// Cookie credentials are only honoured from allowed Origins (CSRF-style cross-site WebSocket hijacking).
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * True when the request reached us over https: a TLS socket, or a TLS-terminating proxy saying so in
 * `X-Forwarded-Proto` (its first value). Browsers cannot set that header on a WebSocket upgrade or an
 * EventSource, so a page cannot use it to pass for another origin.
 */
function requestIsHttps(request: IncomingMessage): boolean {
  if ((request.socket as Partial<TLSSocket>).encrypted === true) return true;
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

/**
 * True when the request's page may use the cookie credential: its Origin is in `allowedOrigins`, or (with an
 * empty list) it is the server's own origin — the scheme the request came in with (see X-Forwarded-Proto) and
 * the Host it names. A request without an Origin (non-browser clients; browsers send one on every WebSocket
 * upgrade and cross-origin EventSource) is allowed unless its `Sec-Fetch-Site` says a browser sent it from
 * another site (e.g. an <img> or <script> pointing at the SSE stream, which carries cookies but no Origin).
 * `forceHttps` treats the request as https whatever it says.
 */
export function cookieOriginAllowed(request: IncomingMessage, allowedOrigins: readonly string[], forceHttps = false): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) {
    const site = request.headers['sec-fetch-site'];
    return site === undefined || site === 'same-origin' || site === 'none';
  }
  if (allowedOrigins.length > 0) return allowedOrigins.includes(origin);
  const host = request.headers.host;
  if (!host) return false;
  return origin === `${forceHttps || requestIsHttps(request) ? 'https' : 'http'}://${host}`;
}
