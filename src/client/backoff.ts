// Exponential backoff with full jitter: delay = random(0, min(cap, base * 2^attempt)).

export interface BackoffOptions {
  /** Ceiling of the first retry's delay, in ms. Default 500. */
  baseMs?: number;
  /** Largest ceiling any retry's delay can have, in ms. Default 30 000. */
  capMs?: number;
  /**
   * After the server closed with 1001 (going away: a restart or a deploy), the first reconnect is drawn from
   * [0, restartSpreadMs) instead of [0, baseMs), so that the clients of a restarting server do not all come back
   * in the same half second, while it is still starting, and queue up past its listen backlog. Default 6000.
   */
  restartSpreadMs?: number;
}

export const defaultBackoff: Required<BackoffOptions> = { baseMs: 500, capMs: 30_000, restartSpreadMs: 6000 };

/** The ceiling of the delay before retry number `attempt` (0 for the first retry), in ms. */
export function backoffCeilingMs(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs, capMs } = { ...defaultBackoff, ...options };
  // 2^attempt overflows to Infinity for large attempts, which Math.min caps.
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
}

/** The delay before reconnecting after the server went away (1001), in ms: uniform over [0, restartSpreadMs). */
export function restartDelayMs(options: BackoffOptions = {}, random: () => number = Math.random): number {
  const { restartSpreadMs } = { ...defaultBackoff, ...options };
  return Math.floor(random() * restartSpreadMs);
}

/**
 * "Full jitter" (AWS architecture blog): a uniformly random delay in [0, ceiling), so that clients
 * dropped together do not come back together. `random` returns a number in [0, 1), like Math.random.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  return Math.floor(random() * backoffCeilingMs(attempt, options));
}
