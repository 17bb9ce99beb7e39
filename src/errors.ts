// The error registry: every error notify answers with → its HTTP status and, for a connection, the contract's close code.
import { STATUS_CODES } from 'node:http';
import { contractCloseCodes, type ContractCloseCodeNumber } from '../generated/close-codes.js';

/** A close code of the contract with the reason sent with it. */
export interface CloseCode {
  readonly code: number;
  readonly reason: string;
}

/** The contract's close code `code` with its reason (or one of its other reasons); throws at load when the contract lacks it. */
function contractClose(code: ContractCloseCodeNumber, reason?: string): CloseCode {
  const entry = contractCloseCodes.find((c) => c.code === code);
  const sent = reason ?? entry?.reason;
  if (!entry || sent === undefined || (sent !== entry.reason && !(entry.otherReasons as readonly string[]).includes(sent))) {
    throw new Error(`close code ${code} "${String(sent)}" is not in asyncapi.yaml info.x-close-codes; run notify generate`);
  }
  return Object.freeze({ code, reason: sent });
}

interface ErrorEntry {
  /** HTTP status of a REST answer, or of a refused SSE stream. */
  readonly status: number;
  /** What a connection (WebSocket, SSE stream) is closed with for this error. */
  readonly close?: CloseCode;
  /** A REST route answers it as `{error, message}` (false: it only closes a connection, refuses a stream or an upgrade). */
  readonly rest: boolean;
}

/**
 * Every error, by its stable code (the `error` of a REST answer). One place decides the HTTP status and
 * the close code of each; close codes and reasons come from the contract (generated/close-codes.ts).
 */
export const errorRegistry = {
  bad_json: { status: 400, rest: true },
  /** A bad argument: a malformed path, query or field, or a store argument out of range (a bad cursor or page limit). */
  bad_request: { status: 400, rest: true },
  unauthorized: { status: 401, rest: true },
  access_token_required: { status: 401, close: contractClose(1008), rest: false },
  invalid_token: { status: 401, close: contractClose(4001), rest: false },
  token_expired: { status: 401, close: contractClose(4001, 'Token expired'), rest: false },
  forbidden: { status: 403, close: contractClose(4003), rest: true },
  not_found: { status: 404, rest: true },
  method_not_allowed: { status: 405, rest: true },
  /** A name already in use (an API key's). */
  conflict: { status: 409, rest: true },
  request_timeout: { status: 408, rest: false },
  payload_too_large: { status: 413, rest: true },
  message_too_big: { status: 413, close: contractClose(1009), rest: false },
  unsupported_media_type: { status: 415, rest: true },
  off_contract: { status: 422, rest: true },
  /** A client flooding its socket (closed), or an API key past its rate (429 with Retry-After). */
  rate_limited: { status: 429, close: contractClose(1008, 'Rate limit exceeded'), rest: true },
  /** The user was pushed the per-minute cap (429 with Retry-After). */
  user_capped: { status: 429, rest: true },
  too_many_connections: { status: 429, close: contractClose(4029), rest: false },
  headers_too_large: { status: 431, rest: true },
  internal_error: { status: 500, close: contractClose(1011), rest: true },
  not_ready: { status: 503, rest: true },
  shutting_down: { status: 503, close: contractClose(1001), rest: false },
  slow_consumer: { status: 503, close: contractClose(1013), rest: false },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof errorRegistry;
/** The errors a REST answer's `error` field can hold. */
export type HttpErrorCode = { [K in ErrorCode]: (typeof errorRegistry)[K] extends { rest: true } ? K : never }[ErrorCode];

/** HTTP status per REST error code (the `error` enum of the OpenAPI document). */
export const httpErrors = Object.fromEntries(Object.entries(errorRegistry).flatMap(([code, entry]) => (entry.rest ? [[code, entry.status]] : []))) as {
  readonly [K in HttpErrorCode]: (typeof errorRegistry)[K]['status'];
};
/** The errors a connection can be closed (or an SSE stream refused) with. */
export type ConnectionErrorCode = { [K in ErrorCode]: (typeof errorRegistry)[K] extends { close: CloseCode } ? K : never }[ErrorCode];

/** Close code and reason per connection error, by the names the server code uses. */
export const closeCodes = {
  shuttingDown: errorRegistry.shutting_down.close,
  accessTokenRequired: errorRegistry.access_token_required.close,
  rateLimited: errorRegistry.rate_limited.close,
  messageTooBig: errorRegistry.message_too_big.close,
  internalError: errorRegistry.internal_error.close,
  slowConsumer: errorRegistry.slow_consumer.close,
  invalidToken: errorRegistry.invalid_token.close,
  tokenExpired: errorRegistry.token_expired.close,
  forbidden: errorRegistry.forbidden.close,
  tooManyConnections: errorRegistry.too_many_connections.close,
} as const satisfies Record<string, CloseCode>;

export type CloseCodeName = keyof typeof closeCodes;

/** `404 Not Found`: the status line of an error, for answers written straight to a socket. */
export function statusLine(code: ErrorCode): string {
  const { status } = errorRegistry[code];
  return `${status} ${STATUS_CODES[status] ?? ''}`.trimEnd();
}

/**
 * An error from the registry, thrown where it is found (a route, a store, a session action); the router
 * answers it as `{error, message, details?}` with its status, a session as a request_error.
 */
export class NotifyError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'NotifyError';
    this.status = errorRegistry[code].status;
  }
}

/** The REST routes' name for a registry error. */
export { NotifyError as HttpError };
