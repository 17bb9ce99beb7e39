// One connection's life on any transport: join the hub, first frames, client frames, close bookkeeping.
import type { Principal } from '../auth/verifier.js';
import { NotifyError, closeCodes, type ConnectionErrorCode } from '../errors.js';
import { Connection, type Transport } from '../hub/connection.js';
import { decodeClientFrame } from '../protocol/inbound.js';
import { startSession } from './first-frames.js';
import { handleAction } from './handlers.js';
import { replyError, type Session, type SessionServices } from './session.js';

/** Grace before a slow consumer that cannot even take its close frame (or closing comment) is destroyed. */
const slowConsumerGraceMs = 1000;

/** What a transport adapter gives a session besides framing: how to refuse and how to begin. */
export interface SessionTransport extends Transport {
  /** The hub refused the connection (the user is at the limit): answer the peer with this error's close code (or status). */
  refuse(error: ConnectionErrorCode): void;
  /** The hub took the connection; called before any frame is sent (SSE writes its response head here). */
  begin?(): void;
}

/** The transport's handle on an open session. */
export interface OpenSession {
  readonly connection: Connection;
  /** A sign of life from the peer (a pong, or a write of an SSE ping): the sweeper measures silence from here. */
  alive(): void;
  /** Settles once the first frames were sent (or the start failed and the connection was closed). */
  readonly firstFrames: Promise<void>;
  /** Handles one client frame: rate limit, decode with the contract, run the action's handler. */
  receive(text: string, isBinary?: boolean): void;
  /** The peer is gone (the transport's close event): leaves the hub and runs the close hooks; idempotent. */
  ended(): void;
}

/**
 * Opens a session for an admitted principal: the connection joins the hub (undefined, after `transport.refuse`,
 * when the user is at the per-user limit), then gets connection_established and the resumed backlog after
 * `since` or the unread snapshot, then goes live. Start failures close it with 1011.
 */
export function openSession(transport: SessionTransport, principal: Principal, since: string | undefined, services: SessionServices): OpenSession | undefined {
  const connection = new Connection(principal.userId, transport, principal.expiresAtMs, services.config, slowConsumerHandler(services), services.fanOut.onNotificationSent);
  if (!services.hub.add(connection)) {
    transport.refuse('too_many_connections');
    return undefined;
  }
  services.metrics.connections.inc();
  transport.begin?.();
  return new LiveSession(connection, since, services);
}

/** One handler per server, not a closure per connection (100,000 connections would carry 100,000 copies). */
const slowConsumerHandlers = new WeakMap<SessionServices, (connection: Connection) => void>();

function slowConsumerHandler(services: SessionServices): (connection: Connection) => void {
  let handler = slowConsumerHandlers.get(services);
  if (!handler) {
    const { metrics, logger } = services;
    handler = (slow) => {
      metrics.slowConsumersClosed.inc();
      logger.warn({ connectionId: slow.id }, 'slow consumer closed');
      slow.close(closeCodes.slowConsumer.code, closeCodes.slowConsumer.reason);
      setTimeout(() => slow.terminate(), slowConsumerGraceMs).unref();
    };
    slowConsumerHandlers.set(services, handler);
  }
  return handler;
}

/**
 * An open session as a class: its methods live on the prototype, not as closures in every connection, and it
 * is the handlers' `Session` too (the services are read through the one reference it keeps).
 */
class LiveSession implements OpenSession, Session {
  readonly firstFrames: Promise<void>;
  private hasEnded = false;

  constructor(
    readonly connection: Connection,
    since: string | undefined,
    private readonly services: SessionServices,
  ) {
    this.firstFrames = startSession(this, since, services).catch((error: unknown) => {
      services.logger.error({ err: error, connectionId: connection.id }, 'session start failed');
      connection.close(closeCodes.internalError.code, closeCodes.internalError.reason);
    });
  }

  get config(): Session['config'] {
    return this.services.config;
  }
  get store(): Session['store'] {
    return this.services.store;
  }
  get fanOut(): Session['fanOut'] {
    return this.services.fanOut;
  }
  get preferences(): Session['preferences'] {
    return this.services.preferences;
  }
  get verifier(): Session['verifier'] {
    return this.services.verifier;
  }
  get encoder(): Session['encoder'] {
    return this.services.encoder;
  }
  get demo(): Session['demo'] {
    return this.services.demo;
  }

  alive(): void {
    this.connection.lastSeenAtMs = Date.now();
  }

  receive(text: string, isBinary = false): void {
    const { connection } = this;
    if (!connection.admitClientFrame()) {
      connection.close(closeCodes.rateLimited.code, closeCodes.rateLimited.reason);
      return;
    }
    if (isBinary) {
      replyError(this, 'invalid_message', 'Binary frames are not supported; send JSON text');
      return;
    }
    receiveFrame(this, text, this.services);
  }

  ended(): void {
    if (this.hasEnded) return;
    this.hasEnded = true;
    const { connection, services } = this;
    connection.closed = true;
    services.hub.remove(connection);
    services.fanOut.unwatch(connection.userId);
    services.metrics.connections.dec();
    services.onConnectionClosed?.(connection);
  }
}

function receiveFrame(session: Session, text: string, services: SessionServices): void {
  const decoded = decodeClientFrame(text);
  if (decoded.kind === 'invalid') return replyError(session, decoded.code, decoded.message, decoded.action);
  if (decoded.kind === 'text') return void handleAction(session, { action: 'ping' });
  const { action } = decoded.message;
  Promise.resolve(handleAction(session, decoded.message)).catch((error: unknown) => {
    // A registry error below 500 (a store refusing a bad cursor or limit) is the client's mistake, not ours.
    if (error instanceof NotifyError && error.status < 500) return replyError(session, 'invalid_message', error.message, action);
    services.logger.error({ err: error, action }, 'client action failed');
    replyError(session, 'internal_error', 'The server could not complete this action', action);
  });
}
