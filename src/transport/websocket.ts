// The WebSocket endpoint: authenticates the upgrade, then runs one session per socket on the hub.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type ServerOptions } from 'ws';
import type { Principal } from '../auth/verifier.js';
import { errorRegistry, statusLine, type ConnectionErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ServerContext } from '../server-context.js';
import { openSession, type OpenSession, type SessionTransport } from '../session/open-session.js';
import { admit } from './admission.js';
import { framedText } from './ws-frame.js';

export const notificationsPath = '/api/v1/notifications';
/** ws keeps each fragment until the message completes; a handful is all a real client uses. */
const maxFragments = 64;
/**
 * How long a socket we closed may take to answer with its close frame before it is destroyed
 * (ws defaults to 30 s, which lets a peer that breaks the protocol and never answers hold a socket that long).
 */
export const closeTimeoutMs = 5000;

function closeWith(ws: WebSocket, error: ConnectionErrorCode): void {
  const { code, reason } = errorRegistry[error].close;
  ws.close(code, reason);
}

// What follows keeps per-socket state in a few small objects with their methods on prototypes: at 100,000
// connections every closure, listener entry or context kept per socket costs megabytes. Nothing here closes
// over the upgrade handler's scope either: the request, its URL and head buffer must not outlive the upgrade.

/** The socket's own 'error' listener (shared by every socket; `this` is the socket). */
function destroySelf(this: Duplex): void {
  this.destroy();
}

/**
 * A ws socket that hands its events straight to its session, instead of four listener closures (and their
 * entries in a listener table) per socket. ws reports everything through `emit`, so that is the one place to
 * take them; events this server does not use go on to `EventEmitter` as usual.
 */
class SessionSocket extends WebSocket {
  session: OpenSession | undefined = undefined;
  logger: Logger | undefined = undefined;

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    switch (event) {
      case 'message': {
        const [data, isBinary] = args as [Buffer, boolean];
        this.session?.receive(isBinary ? '' : data.toString(), isBinary);
        return true;
      }
      case 'pong':
        this.session?.alive();
        return true;
      case 'close':
        this.session?.ended();
        return true;
      case 'error':
        // Protocol errors from the peer: ws closes the socket itself (1002, 1009, …); 'close' follows.
        this.logger?.debug({ err: args[0], connectionId: this.session?.connection.id }, 'socket error');
        return true;
      default:
        return super.emit(event, ...args);
    }
  }
}

/**
 * Frames go to the socket as whole prebuilt frames (`framedText`), not through `ws.send`: ws would frame the
 * same broadcast bytes again for every socket and write header and payload as two buffers. This is safe
 * because nothing else queues in ws's sender here: no permessage-deflate, no fragments, no Blob data; control
 * frames (ping, close) are written whole as well. Like `ws.send` after a close, a frame to a socket that is not
 * open is dropped. `ws.bufferedAmount` still counts these bytes (it reads the socket's write buffer).
 * Writes are held (corked) from the upgrade until `flush`: the 101 answer and the first frames leave together.
 */
class WebSocketTransport implements SessionTransport {
  private corked = true;

  constructor(
    private readonly ws: SessionSocket,
    private readonly socket: Duplex,
  ) {
    socket.cork();
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  flush(): void {
    if (this.corked) this.socket.uncork();
    this.corked = false;
  }

  send(frame: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.socket.write(framedText(frame));
  }

  ping(): void {
    this.ws.ping();
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  refuse(error: ConnectionErrorCode): void {
    closeWith(this.ws, error);
  }
}

/** Wires the endpoint into `server`'s upgrade event. */
export function attachWebSocketEndpoint(server: Server, context: ServerContext): { close(): void } {
  // `closeTimeout` is a ws 8.23 option that @types/ws does not list yet.
  const options: ServerOptions & { closeTimeout: number } = {
    noServer: true,
    clientTracking: false,
    maxPayload: context.config.maxPayloadBytes,
    maxFragments,
    closeTimeout: closeTimeoutMs,
    perMessageDeflate: false,
    WebSocket: SessionSocket,
  };
  const wss = new WebSocketServer(options);

  function refuse(socket: Duplex, status: string): void {
    // Destroyed once written (as ws does): end() alone leaves a half-open socket to a peer that never closes.
    socket.once('finish', () => socket.destroy());
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', destroySelf);
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== notificationsPath) return refuse(socket, statusLine('not_found'));
    if (context.shuttingDown()) return refuse(socket, statusLine('shutting_down'));
    admit(request, url, context)
      .then((admission) => {
        if (socket.destroyed) return;
        // The 101 answer and the first frames (or the refusal) leave in one write, not three: a write was
        // ~30% of a connect's CPU (notify bench --cpu-prof, connections scenario).
        const since = url.searchParams.get('since') ?? undefined;
        wss.handleUpgrade(request, socket, head, (ws) => {
          // ws has its own 'error' listener on the socket now (it destroys it too): one listener table entry less.
          socket.off('error', destroySelf);
          const sessionSocket = ws as SessionSocket;
          sessionSocket.logger = context.logger;
          const transport = new WebSocketTransport(sessionSocket, socket);
          const session = admission.ok ? runSession(sessionSocket, transport, admission.principal, since, context) : undefined;
          if (!admission.ok) closeWith(ws, admission.error);
          if (session) void session.firstFrames.finally(() => transport.flush());
          else transport.flush();
        });
      })
      .catch((error: unknown) => {
        context.logger.error({ err: error }, 'upgrade failed');
        socket.destroy();
      });
  });

  return { close: () => wss.close() };
}

/** Joins one admitted socket to its session: pongs are signs of life, text frames are client actions. */
function runSession(ws: SessionSocket, transport: WebSocketTransport, principal: Principal, since: string | undefined, context: ServerContext): OpenSession | undefined {
  const session = openSession(transport, principal, since, context);
  ws.session = session;
  return session;
}
