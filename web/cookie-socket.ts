// A browser WebSocket for the client library that authenticates with the same-origin `auth_token` cookie, not a query token.
import type { WebSocketConstructor } from '../src/client/index.js';

/** What the client library's `getToken` returns when the HttpOnly cookie is the credential (never sent). */
export const cookieCredential = 'cookie';

/**
 * A WebSocket class that drops the `token` query parameter the client library adds, so the browser's
 * HttpOnly `auth_token` cookie (which the page cannot read) is the credential. `onSocket` sees each new
 * socket, for frames the library has no method for (`configure`).
 */
export function cookieWebSocket(onSocket: (socket: WebSocket) => void): WebSocketConstructor {
  return class CookieWebSocket extends WebSocket {
    constructor(url: string) {
      const endpoint = new URL(url);
      endpoint.searchParams.delete('token');
      super(endpoint.toString());
      onSocket(this);
    }
  };
}
