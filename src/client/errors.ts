// The client's error type: a stable code, and the close code or request_error that caused it.
import type { RequestErrorData } from '../../generated/index.js';

/** Stable codes of {@link NotifyClientError}; match on these, not on messages. */
export type NotifyClientErrorCode =
  /** Closed 1008: no credential was accepted (or the client flooded). The client stops. */
  | 'ERR_ACCESS_DENIED'
  /** Closed 4003: the token lacks a required role/scope, or the Origin is not allowed. The client stops. */
  | 'ERR_FORBIDDEN'
  /** The token provider threw or returned something that is not a string. */
  | 'ERR_TOKEN_PROVIDER'
  /** The server answered a request with `request_error`; see `requestError`. */
  | 'ERR_REQUEST_REJECTED'
  /** No answer within the request timeout. */
  | 'ERR_REQUEST_TIMEOUT'
  /** The connection closed before the answer came. */
  | 'ERR_CONNECTION_CLOSED'
  /** A request was made while no connection was open. */
  | 'ERR_NOT_CONNECTED'
  /** `close()` was called. */
  | 'ERR_CLIENT_CLOSED'
  /** The server sent a frame that is not a JSON message with a `type`. */
  | 'ERR_INVALID_FRAME'
  /** `enableWebPush`: this browser has no service workers, Push API or notifications. */
  | 'ERR_WEB_PUSH_UNSUPPORTED'
  /** `enableWebPush`: the server sends no Web Push (its `connection_established` carries no public key). */
  | 'ERR_WEB_PUSH_UNAVAILABLE'
  /** `enableWebPush`: the user did not allow notifications. */
  | 'ERR_WEB_PUSH_DENIED';

/** An error raised or emitted by the notify client. */
export class NotifyClientError extends Error {
  override readonly name = 'NotifyClientError';
  readonly code: NotifyClientErrorCode;
  /** The WebSocket close code behind the error, when there is one. */
  readonly closeCode?: number;
  /** The server's `request_error` data, for `ERR_REQUEST_REJECTED`. */
  readonly requestError?: RequestErrorData;

  constructor(code: NotifyClientErrorCode, message: string, details: { closeCode?: number; requestError?: RequestErrorData; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    if (details.closeCode !== undefined) this.closeCode = details.closeCode;
    if (details.requestError !== undefined) this.requestError = details.requestError;
  }
}
