// When a failed webhook event is tried again: exponential backoff with jitter inside its retry window, then dead-lettered.
import type { WebhookConfig } from '../config.js';

/**
 * The time (epoch ms) of the next attempt after `failures` failed ones (1 after the first), or null when that would
 * fall past the event's window (`windowStart` + `retryWindowMs`): then it is dead-lettered. The delay doubles from
 * `retryBaseMs` up to `retryMaxMs`; "equal jitter" (half fixed, half random) spreads retries of many events that
 * failed together (an endpoint coming back is not hit by all of them in the same second).
 */
export function nextAttemptAt(failures: number, windowStart: number, nowMs: number, config: WebhookConfig, random = Math.random): number | null {
  const ceiling = Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** Math.min(failures - 1, 30));
  const at = nowMs + Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return at > windowStart + config.retryWindowMs ? null : at;
}
