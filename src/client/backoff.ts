// Exponential backoff with full jitter: delay = random(0, min(cap, base * 2^attempt)).

export interface BackoffOptions {
  /** Ceiling of the first retry's delay, in ms. Default 500. */
  baseMs?: number;
  /** Largest ceiling any retry's delay can have, in ms. Default 30 000. */
  capMs?: number;
}

export const defaultBackoff: Required<BackoffOptions> = { baseMs: 500, capMs: 30_000 };

/** The ceiling of the delay before retry number `attempt` (0 for the first retry), in ms. */
export function backoffCeilingMs(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs, capMs } = { ...defaultBackoff, ...options };
  // 2^attempt overflows to Infinity for large attempts, which Math.min caps.
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
}

/**
 * "Full jitter" (AWS architecture blog): a uniformly random delay in [0, ceiling), so that clients
 * dropped together do not come back together. `random` returns a number in [0, 1), like Math.random.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  return Math.floor(random() * backoffCeilingMs(attempt, options));
}
