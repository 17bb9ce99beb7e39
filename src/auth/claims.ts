// Claim mapping: which claim of a verified token is the user id, and where its roles or scopes live.
import type { JWTPayload } from 'jose';
import { maxUserIdLength } from '../ids.js';

/**
 * The value at `path` in `payload`: the claim of that exact name when there is one (namespaced claims such as
 * `https://example.com/roles` hold dots), else the dotted path walked through objects (`realm_access.roles`).
 */
function claimAt(payload: JWTPayload, path: string): unknown {
  if (Object.hasOwn(payload, path)) return payload[path];
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Longest user id accepted, in characters (it is a path segment of the push API). */

/** The user id at `claim`, or why there is none (a reason to log; it never holds the token). */
export function userIdAt(payload: JWTPayload, claim: string): { userId: string } | { problem: string } {
  const value = claimAt(payload, claim);
  if (value === undefined) return { problem: `user claim "${claim}" is missing` };
  if (typeof value !== 'string') return { problem: `user claim "${claim}" is not a string` };
  if (value === '' || value.length > maxUserIdLength) return { problem: `user claim "${claim}" must be 1–${maxUserIdLength} characters` };
  return { userId: value };
}

/** Scopes from a claim's value: a space-separated string or an array of strings. */
function addScopes(scopes: Set<string>, value: unknown): void {
  if (typeof value === 'string') for (const s of value.split(/\s+/)) if (s) scopes.add(s);
  if (Array.isArray(value)) for (const s of value) if (typeof s === 'string' && s) scopes.add(s);
}

/** Scopes at `claim` (a claim name or dotted path); without one, from `scope`, `scp` and `roles`. */
export function scopesAt(payload: JWTPayload, claim?: string): Set<string> {
  const scopes = new Set<string>();
  if (claim !== undefined) addScopes(scopes, claimAt(payload, claim));
  else for (const name of ['scope', 'scp', 'roles']) addScopes(scopes, payload[name]);
  return scopes;
}
