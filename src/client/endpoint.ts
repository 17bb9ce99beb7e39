// Server URL normalisation: http(s):// and ws(s):// alike, base URL or the endpoint itself.

/** The WebSocket endpoint's path (docs/protocol.md). */
export const notificationsPath = '/api/v1/notifications';

const wsProtocol: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };
const httpProtocol: Record<string, string> = { 'http:': 'http:', 'https:': 'https:', 'ws:': 'http:', 'wss:': 'https:' };

function parse(server: string): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new TypeError(`invalid server URL "${server}"; expected e.g. http://127.0.0.1:8080 or ws://127.0.0.1:8080`);
  }
  if (!(url.protocol in wsProtocol)) {
    throw new TypeError(`invalid server URL "${server}"; the scheme must be http, https, ws or wss`);
  }
  return url;
}

/** The path with the endpoint (and any trailing slash) taken off: the prefix the server is mounted under. */
function basePath(pathname: string): string {
  const trimmed = pathname.replace(/\/+$/, '');
  return trimmed.endsWith(notificationsPath) ? trimmed.slice(0, -notificationsPath.length) : trimmed;
}

/**
 * The WebSocket endpoint for a server URL: `http://h:8080` → `ws://h:8080/api/v1/notifications`,
 * `https://h/app/` → `wss://h/app/api/v1/notifications`; an endpoint URL is kept as is. Query kept.
 */
export function webSocketEndpoint(server: string): string {
  const url = parse(server);
  url.protocol = wsProtocol[url.protocol] as string;
  url.pathname = basePath(url.pathname) + notificationsPath;
  url.hash = '';
  return url.toString();
}

/** The HTTP base URL (no trailing slash, no query) for a server URL: `ws://h:8080/api/v1/notifications` → `http://h:8080`. */
export function httpBaseUrl(server: string): string {
  const url = parse(server);
  url.protocol = httpProtocol[url.protocol] as string;
  return `${url.origin}${basePath(url.pathname)}`;
}
