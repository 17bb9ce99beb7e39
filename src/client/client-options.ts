// The client's public types: its options, its connection states and the events it emits.
import type { BuiltInCatalog, CatalogNotification, CatalogServerMessage, CatalogServerMessageByType, CatalogShape } from './catalog-types.js';
import type { BackoffOptions } from './backoff.js';
import type { NotifyClientError } from './errors.js';
import type { WebSocketConstructor } from './websocket-like.js';

/** `idle` before connect(); `closed` after close() or a close code that forbids retrying. */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A connection ended. `retryInMs` is set when the client will reconnect, after that many ms. */
export interface DisconnectInfo {
  code: number;
  reason: string;
  retryInMs?: number;
}

/**
 * Every server message type of catalog `C` (default: the built-in catalog) is an event of its own
 * (`invitation_received`, `connection_established`, ... — note `error` is the built-in error *notification*), plus:
 * `notification` (each notification, once, live or resumed), `message` (every frame but duplicates),
 * `state`, `disconnect`, and `client_error` (problems of the client itself; see {@link NotifyClientError}).
 * `notifications_removed` names notifications that expired or were retracted: drop them from the app's list (the
 * client keeps no list of its own; its resume point stays valid, the server resumes past a removed id).
 */
export type NotifyClientEvents<C extends CatalogShape = BuiltInCatalog> = CatalogServerMessageByType<C> & {
  notification: CatalogNotification<C>;
  message: CatalogServerMessage<C>;
  state: ConnectionState;
  disconnect: DisconnectInfo;
  client_error: NotifyClientError;
};

export interface NotifyClientOptions {
  /** The server: `https://host`, `ws://host:8080`, or the endpoint URL itself. */
  url: string;
  /**
   * Called before every connection attempt and before the token's `exp`; the JWT goes in the `token` query parameter.
   * Absent, or answering null, the connection carries no token: a same-origin page's `auth_token` cookie is the credential.
   */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /** The WebSocket class; default `globalThis.WebSocket`. In Node pass `WebSocket` from `ws`. */
  WebSocket?: WebSocketConstructor;
  /** Resume after this notification id on the first connection. */
  since?: string;
  /** Reconnect delays: full jitter over base·2^attempt, capped; after a 1001, spread over restartSpreadMs. Defaults 500 ms / 30 s / 6 s. */
  backoff?: BackoffOptions;
  /** A connection open this long resets the backoff, in ms. Default 10 000. */
  stableAfterMs?: number;
  /** How long a request waits for its answer, in ms. Default 10 000. */
  requestTimeoutMs?: number;
  /** How long an attempt may take to reach `connection_established`, in ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** How many recent notification ids are kept for de-duplication. Default 1000. */
  dedupeCapacity?: number;
  /** Send `refresh_token` before the token expires. Default true. */
  refreshToken?: boolean;
  /** Source of randomness for the jitter, in [0, 1). Default Math.random. */
  random?: () => number;
}
