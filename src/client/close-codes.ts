// What the client does after each WebSocket close code of the contract (asyncapi.yaml x-close-codes).

/** `stop`: do not reconnect; `reauthenticate`: get a new token, then reconnect; `retry`: back off and reconnect. */
export type CloseAdvice = 'stop' | 'reauthenticate' | 'retry';

/**
 * 1008 (no credential / flooding) and 4003 (forbidden) stop the client; 4001 (invalid or expired token)
 * asks the token provider again; every other code (1001 shutdown, 1006 dropped, 1013 slow consumer,
 * 4029 too many connections, ...) is retried with backoff.
 */
export function closeAdvice(code: number): CloseAdvice {
  switch (code) {
    case 1008:
    case 4003:
      return 'stop';
    case 4001:
      return 'reauthenticate';
    default:
      return 'retry';
  }
}
