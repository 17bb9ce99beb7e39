// Generated from asyncapi.yaml by `notify generate`. Do not edit: edit asyncapi.yaml and regenerate.

/** What a client does after a close code: `stop` (do not reconnect), `reauthenticate` (get a new token, then reconnect), `retry` (back off, then reconnect). */
export type CloseAdvice = 'stop' | 'reauthenticate' | 'retry';

export interface ContractCloseCode {
  readonly code: number;
  /** The reason sent with the code. */
  readonly reason: string;
  /** Further reasons the server may send with the same code. */
  readonly otherReasons: readonly string[];
  readonly advice: CloseAdvice;
  readonly description: string;
}

/** The contract's WebSocket close codes (info.x-close-codes), in contract order. */
export const contractCloseCodes = [
  {
    code: 1001,
    reason: "Server shutting down",
    otherReasons: [],
    advice: "retry",
    description: "The node is going away (deploy, restart). Reconnect with backoff and `since`.",
  },
  {
    code: 1008,
    reason: "Access token required",
    otherReasons: ["Rate limit exceeded"],
    advice: "stop",
    description: "No credential was presented, or the client flooded the server (reason \"Rate limit exceeded\"). Do not retry without a credential.",
  },
  {
    code: 1009,
    reason: "Message too big",
    otherReasons: [],
    advice: "retry",
    description: "A client frame exceeded the maximum payload (default 64 KiB).",
  },
  {
    code: 1011,
    reason: "Internal error",
    otherReasons: [],
    advice: "retry",
    description: "The server could not start the session (its store failed). Reconnect with backoff and `since`.",
  },
  {
    code: 1013,
    reason: "Slow consumer",
    otherReasons: [],
    advice: "retry",
    description: "The client did not read fast enough and its send buffer passed the limit. Reconnect with backoff and `since`.",
  },
  {
    code: 4001,
    reason: "Invalid or expired token",
    otherReasons: ["Token expired"],
    advice: "reauthenticate",
    description: "Bad signature, malformed, expired or wrong issuer/audience (\"Invalid or expired token\"), or the token expired while connected (\"Token expired\"). Get a new token, then reconnect.",
  },
  {
    code: 4003,
    reason: "Forbidden",
    otherReasons: [],
    advice: "stop",
    description: "The token lacks a required role/scope, or a cookie credential came from an Origin outside the allow-list. Do not retry.",
  },
  {
    code: 4029,
    reason: "Too many connections",
    otherReasons: [],
    advice: "retry",
    description: "The user already has the maximum number of open connections (default 10). Retry later with backoff.",
  },
] as const satisfies readonly ContractCloseCode[];

/** A close code the contract lists. */
export type ContractCloseCodeNumber = (typeof contractCloseCodes)[number]['code'];
