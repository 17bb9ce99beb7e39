// The part of the WHATWG WebSocket the client uses: the browser's WebSocket and the `ws` package both fit.

/** A WebSocket instance. Handlers take `never` so that both the DOM and the `ws` event types are accepted. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

/** A WebSocket class: `globalThis.WebSocket` in browsers, `WebSocket` from `ws` in Node. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** What the client reads from a message event. */
export interface MessageEventLike {
  data: unknown;
}

/** What the client reads from a close event. */
export interface CloseEventLike {
  code: number;
  reason: string;
}

/** WebSocket.OPEN. */
export const OPEN = 1;
