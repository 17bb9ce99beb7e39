// The error registry: every close code and HTTP error notify produces, with its stable code and text.

/** WebSocket close codes of the contract (asyncapi.yaml info.x-close-codes), with their reasons. */
export const closeCodes = {
  shuttingDown: { code: 1001, reason: 'Server shutting down' },
  accessTokenRequired: { code: 1008, reason: 'Access token required' },
  rateLimited: { code: 1008, reason: 'Rate limit exceeded' },
  messageTooBig: { code: 1009, reason: 'Message too big' },
  slowConsumer: { code: 1013, reason: 'Slow consumer' },
  invalidToken: { code: 4001, reason: 'Invalid or expired token' },
  tokenExpired: { code: 4001, reason: 'Token expired' },
  forbidden: { code: 4003, reason: 'Forbidden' },
  tooManyConnections: { code: 4029, reason: 'Too many connections' },
} as const;

export type CloseCodeName = keyof typeof closeCodes;
/** A close code of the contract with the reason sent with it. */
export interface CloseCode {
  readonly code: number;
  readonly reason: string;
}

/** HTTP errors of the REST API: stable `error` code → status. */
export const httpErrors = {
  bad_json: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  off_contract: 422,
  headers_too_large: 431,
  not_ready: 503,
  internal_error: 500,
} as const;

export type HttpErrorCode = keyof typeof httpErrors;

/** Thrown by route handlers; the router turns it into `{error, message, details?}` with its status. */
export class HttpError extends Error {
  readonly status: number;
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = httpErrors[code];
  }
}
