// Reads a JWT's exp/iat without verifying it (the server verifies), to refresh the token before it expires.

/** The `exp` and `iat` claims of a JWT, in epoch seconds; undefined when the token cannot be decoded. */
export function decodeJwtTimes(token: string): { exp?: number; iat?: number } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined) return undefined;
  try {
    const payload = JSON.parse(base64UrlDecode(parts[1])) as unknown;
    if (typeof payload !== 'object' || payload === null) return undefined;
    const { exp, iat } = payload as { exp?: unknown; iat?: unknown };
    const times: { exp?: number; iat?: number } = {};
    if (typeof exp === 'number' && Number.isFinite(exp)) times.exp = exp;
    if (typeof iat === 'number' && Number.isFinite(iat)) times.iat = iat;
    return times;
  } catch {
    return undefined;
  }
}

/**
 * How long from `nowMs` until the token should be refreshed, in ms, or undefined when it has no `exp`.
 * The refresh happens 30 s before `exp`, or 10% of the token's lifetime before it when that is shorter,
 * and never sooner than `minDelayMs` from now (a token that is about to expire does not cause a refresh loop).
 */
export function refreshDelayMs(token: string, nowMs: number, minDelayMs = 1_000): number | undefined {
  const times = decodeJwtTimes(token);
  if (times?.exp === undefined) return undefined;
  const expMs = times.exp * 1000;
  const lifetimeMs = expMs - (times.iat !== undefined ? times.iat * 1000 : nowMs);
  const marginMs = Math.min(30_000, Math.max(0, lifetimeMs) * 0.1);
  return Math.max(minDelayMs, expMs - marginMs - nowMs);
}

/** base64url → UTF-8 text with browser-safe globals only (atob, TextDecoder). */
function base64UrlDecode(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
