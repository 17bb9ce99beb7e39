// Per-user caps: at most N notifications pushed to one user per minute (a token bucket per user), refused ones counted in /metrics.
import type { Metrics } from '../metrics.js';
import type { RateLimiter } from './rate-limiter.js';

export interface CapVerdict {
  /** The users under their cap (one notification counted for each). */
  allowed: string[];
  /** The users over it: nothing is stored for them. */
  capped: string[];
  /** When some were capped: ms until the first of them may be pushed to again. */
  retryAfterMs: number;
}

export interface UserCaps {
  /** Counts one notification for each of `users` that is under the cap, and names those that are not. */
  admit(users: readonly string[]): Promise<CapVerdict>;
}

/**
 * A bucket of `perMinute` per user, refilled evenly over a minute (so a user can take a burst of `perMinute`, then
 * one every 60/perMinute seconds). On a Redis bus the buckets are shared by every node.
 */
export function createUserCaps(limiter: RateLimiter, perMinute: number, metrics: Pick<Metrics, 'userCapRefused'>): UserCaps {
  const bucket = { capacity: perMinute, refillPerMs: perMinute / 60_000 };
  return {
    async admit(users) {
      const decisions = await Promise.all(users.map((user) => limiter.take(`cap:${user}`, bucket)));
      const verdict: CapVerdict = { allowed: [], capped: [], retryAfterMs: 0 };
      decisions.forEach((decision, i) => {
        if (decision.allowed) verdict.allowed.push(users[i]!);
        else {
          verdict.capped.push(users[i]!);
          verdict.retryAfterMs = verdict.retryAfterMs === 0 ? decision.retryAfterMs : Math.min(verdict.retryAfterMs, decision.retryAfterMs);
        }
      });
      if (verdict.capped.length > 0) metrics.userCapRefused.inc(verdict.capped.length);
      return verdict;
    },
  };
}

/** No cap: every user allowed, nothing counted (the default). */
export const noUserCaps: UserCaps = {
  async admit(users) {
    return { allowed: [...users], capped: [], retryAfterMs: 0 };
  },
};
