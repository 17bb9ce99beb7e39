// The WebSocket endpoint: authenticates the upgrade, then runs one session per socket on the hub.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';
import type { Principal } from '../auth/verifier.js';
import { errorRegistry, statusLine, type ConnectionErrorCode } from '../errors.js';
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

// These helpers live outside the upgrade handler on purpose: a closure that outlives the upgrade (the
// socket's error listener, the session's flush) would otherwise keep the handler's whole scope, the
// request, its URL and head buffer, alive for the connection's lifetime.

function destroyOnError(socket: Duplex): void {
  socket.on('error', () => socket.destroy());
}

/** Holds the socket's writes until the returned flush runs (once). */
function holdWrites(socket: Duplex): () => void {
  socket.cork();
  let corked = true;
  return () => {
    if (corked) socket.uncork();
    corked = false;
  };
}

/**
 * Frames go to the socket as whole prebuilt frames (`framedText`), not through `ws.send`: ws would frame the
 * same broadcast bytes again for every socket and write header and payload as two buffers. This is safe
 * because nothing else queues in ws's sender here: no permessage-deflate, no fragments, no Blob data; control
 * frames (ping, close) are written whole as well. Like `ws.send` after a close, a frame to a socket that is not
 * open is dropped. `ws.bufferedAmount` still counts these bytes (it reads the socket's write buffer).
 */
function wsTransport(ws: WebSocket, socket: Duplex, flush: () => void): SessionTransport {
  return {
    flush,
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send: (frame) => {
      if (ws.readyState === ws.OPEN) socket.write(framedText(frame));
    },
    ping: () => ws.ping(),
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
    refuse: (error) => closeWith(ws, error),
  };
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
  };
  const wss = new WebSocketServer(options);

  function refuse(socket: Duplex, status: string): void {
    // Destroyed once written (as ws does): end() alone leaves a half-open socket to a peer that never closes.
    socket.once('finish', () => socket.destroy());
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    destroyOnError(socket);
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== notificationsPath) return refuse(socket, statusLine('not_found'));
    if (context.shuttingDown()) return refuse(socket, statusLine('shutting_down'));
    admit(request, url, context)
      .then((admission) => {
        if (socket.destroyed) return;
        // The 101 answer and the first frames (or the refusal) leave in one write, not three: a write was
        // ~30% of a connect's CPU (notify bench --cpu-prof, connections scenario).
        const flush = holdWrites(socket);
        wss.handleUpgrade(request, socket, head, (ws) => {
          const session = admission.ok ? runSession(ws, socket, admission.principal, url.searchParams.get('since') ?? undefined, context, flush) : undefined;
          if (!admission.ok) closeWith(ws, admission.error);
          if (session) void session.firstFrames.finally(flush);
          else flush();
        });
      })
      .catch((error: unknown) => {
        context.logger.error({ err: error }, 'upgrade failed');
        socket.destroy();
      });
  });

  return { close: () => wss.close() };
}

/** Adapts one admitted socket to its session: pongs are signs of life, text frames are client actions. */
function runSession(ws: WebSocket, socket: Duplex, principal: Principal, since: string | undefined, context: ServerContext, flush: () => void): OpenSession | undefined {
  let connectionId: string | undefined;
  ws.on('error', (error) => context.logger.debug({ err: error, connectionId }, 'socket error'));
  const session = openSession(wsTransport(ws, socket, flush), principal, since, context);
  if (!session) return undefined;
  connectionId = session.connection.id;
  ws.on('pong', () => session.alive());
  ws.on('message', (data, isBinary) => session.receive(isBinary ? '' : data.toString(), isBinary));
  ws.on('close', () => session.ended());
  return session;
}
