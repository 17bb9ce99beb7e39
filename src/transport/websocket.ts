// The WebSocket endpoint: authenticates the upgrade, then runs one session per socket on the hub.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';
import { findCredential } from '../auth/credentials.js';
import { cookieOriginAllowed } from '../auth/origin.js';
import type { Principal, TokenVerifier } from '../auth/verifier.js';
import { closeCodes } from '../errors.js';
import { Connection, type Transport } from '../hub/connection.js';
import { decodeClientFrame } from '../protocol/inbound.js';
import { handleAction } from '../protocol/handlers.js';
import { replyError, type Session } from '../protocol/session.js';
import { startSession } from './session-start.js';
import type { ServerContext } from './context.js';

export const notificationsPath = '/api/v1/notifications';
/** ws keeps each fragment until the message completes; a handful is all a real client uses. */
const maxFragments = 64;
/** Grace before a slow consumer that cannot even take its close frame is destroyed. */
const slowConsumerGraceMs = 1000;
/**
 * How long a socket we closed may take to answer with its close frame before it is destroyed
 * (ws defaults to 30 s, which lets a peer that breaks the protocol and never answers hold a socket that long).
 */
export const closeTimeoutMs = 5000;

type Admission = { ok: true; principal: Principal } | { ok: false; code: number; reason: string };

/** Decides, before any user state exists, whether an upgrade becomes a session or a close with a contract code. */
export async function admit(request: IncomingMessage, url: URL, verifier: TokenVerifier, context: ServerContext): Promise<Admission> {
  const credential = findCredential(request, url);
  if (!credential) return { ok: false, ...closeCodes.accessTokenRequired };
  if (credential.source === 'cookie' && !cookieOriginAllowed(request, context.config.allowedOrigins)) {
    return { ok: false, ...closeCodes.forbidden };
  }
  const result = await verifier.verify(credential.token);
  if (!result.ok) return { ok: false, ...closeCodes.invalidToken };
  const required = context.config.jwt.requiredScopes;
  if (required.length > 0 && !required.some((scope) => result.principal.scopes.has(scope))) {
    return { ok: false, ...closeCodes.forbidden };
  }
  return { ok: true, principal: result.principal };
}

function wsTransport(ws: WebSocket): Transport {
  return {
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send: (frame) => ws.send(frame),
    ping: () => ws.ping(),
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
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
    socket.on('error', () => socket.destroy());
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== notificationsPath) return refuse(socket, '404 Not Found');
    if (context.shuttingDown()) return refuse(socket, '503 Service Unavailable');
    admit(request, url, context.verifier, context)
      .then((admission) => {
        if (socket.destroyed) return;
        // The 101 answer and the first frames (or the refusal) leave in one write: the session's first reads
        // complete within this turn on SQLite and memory stores (a write syscall each was ~30% of a connect).
        socket.cork();
        setImmediate(() => socket.uncork());
        wss.handleUpgrade(request, socket, head, (ws) => {
          if (!admission.ok) {
            ws.close(admission.code, admission.reason);
            return;
          }
          runSession(ws, admission.principal, url.searchParams.get('since') ?? undefined, context);
        });
      })
      .catch((error: unknown) => {
        context.logger.error({ err: error }, 'upgrade failed');
        socket.destroy();
      });
  });

  return { close: () => wss.close() };
}

function runSession(ws: WebSocket, principal: Principal, since: string | undefined, context: ServerContext): void {
  const { config, hub, metrics, logger } = context;
  const connection = new Connection(principal.userId, wsTransport(ws), principal.expiresAtMs, config, (slow) => {
    metrics.slowConsumersClosed.inc();
    logger.warn({ connectionId: slow.id }, 'slow consumer closed');
    slow.close(closeCodes.slowConsumer.code, closeCodes.slowConsumer.reason);
    setTimeout(() => slow.terminate(), slowConsumerGraceMs).unref();
  });
  ws.on('error', (error) => logger.debug({ err: error, connectionId: connection.id }, 'socket error'));
  if (!hub.add(connection)) {
    ws.close(closeCodes.tooManyConnections.code, closeCodes.tooManyConnections.reason);
    return;
  }
  metrics.connections.inc();
  const session: Session = { connection, config, store: context.store, fanOut: context.fanOut, verifier: context.verifier, encoder: context.encoder, demo: context.demo };

  ws.on('pong', () => {
    connection.lastSeenAtMs = Date.now();
  });
  ws.on('message', (data, isBinary) => {
    if (!connection.admitClientFrame()) {
      connection.close(closeCodes.rateLimited.code, closeCodes.rateLimited.reason);
      return;
    }
    if (isBinary) {
      replyError(session, 'invalid_message', 'Binary frames are not supported; send JSON text');
      return;
    }
    const decoded = decodeClientFrame(data.toString());
    if (decoded.kind === 'invalid') return replyError(session, decoded.code, decoded.message, decoded.action);
    if (decoded.kind === 'text') return void handleAction(session, { action: 'ping' });
    Promise.resolve(handleAction(session, decoded.message)).catch((error: unknown) => {
      // Stores reject out-of-range paging arguments with RangeError: the client's mistake, not ours.
      if (error instanceof RangeError) return replyError(session, 'invalid_message', error.message, decoded.message.action);
      logger.error({ err: error, action: decoded.message.action }, 'client action failed');
      replyError(session, 'internal_error', 'The server could not complete this action', decoded.message.action);
    });
  });
  ws.on('close', () => {
    connection.closed = true;
    hub.remove(connection);
    metrics.connections.dec();
    context.onConnectionClosed?.(connection);
  });

  startSession(session, since, context).catch((error: unknown) => {
    logger.error({ err: error, connectionId: connection.id }, 'session start failed');
    connection.close(1011, 'Internal error');
  });
}
