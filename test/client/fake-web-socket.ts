// An in-memory WebSocket for unit tests of the client: the test plays the server, timers can be faked.
import type { ServerMessage } from '../../generated/index.js';
import type { WebSocketLike } from '../../src/client/websocket-like.js';

/** Every FakeWebSocket ever created, oldest first; tests reset it. */
export const sockets: FakeWebSocket[] = [];

export class FakeWebSocket implements WebSocketLike {
  readyState = 0;
  readonly url: URL;
  readonly sent: unknown[] = [];
  closedByClient: { code?: number; reason?: string } | undefined;
  onopen: ((event: never) => void) | null = null;
  onmessage: ((event: never) => void) | null = null;
  onclose: ((event: never) => void) | null = null;
  onerror: ((event: never) => void) | null = null;

  constructor(url: string) {
    this.url = new URL(url);
    sockets.push(this);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string): void {
    this.closedByClient = { ...(code !== undefined && { code }), ...(reason !== undefined && { reason }) };
    this.serverClose(code ?? 1005, reason ?? '');
  }

  /** The server accepts the upgrade. */
  accept(): void {
    this.readyState = 1;
    (this.onopen as ((e: unknown) => void) | null)?.({});
  }

  /** The server sends a frame. */
  deliver(message: ServerMessage | string): void {
    (this.onmessage as ((e: { data: unknown }) => void) | null)?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }

  /** The server (or the network) closes the connection. */
  serverClose(code: number, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    (this.onclose as ((e: { code: number; reason: string }) => void) | null)?.({ code, reason });
  }

  /** Accepts and sends connection_established, like the server does first (`resumeFrom`: the user's newest id, or the origin). */
  establish(resumed = false, userId = 'alice', resumeFrom = '0000000000000000'): void {
    this.accept();
    this.deliver({
      type: 'connection_established',
      timestamp: Date.now(),
      data: { userId, connectionId: `c${sockets.indexOf(this)}`, unreadCount: 0, resumed, resumeFrom, heartbeat: { pingIntervalMs: 54_000, pongTimeoutMs: 60_000 } },
    });
  }
}

/** The newest socket. */
export function lastSocket(): FakeWebSocket {
  const socket = sockets.at(-1);
  if (!socket) throw new Error('no socket was created');
  return socket;
}

/** An info notification with the given id. */
export function info(id: string, title = `n${id}`): ServerMessage {
  return { type: 'info', id, timestamp: 1_700_000_000_000, data: { title, message: 'hello', priority: 'low' } };
}

/** An unsigned JWT with the given claims (the client never verifies signatures). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature`;
}
