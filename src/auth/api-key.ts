// API keys for backends: how a key looks (`nk_…`), its hash (all the store keeps), and the --scopes / --rate notations.
import { hash, randomBytes } from 'node:crypto';
import { apiKeyScopes, type ApiKeyRate, type ApiKeyScope } from '../store/api-keys.js';

/** Every key starts with this, so a credential is told apart from the push token or a JWT without hashing it. */
export const apiKeyPrefix = 'nk_';

/** A new key: the prefix and 32 random bytes, base64url (46 characters). Shown once; only its hash is kept. */
export function generateApiKey(): string {
  return `${apiKeyPrefix}${randomBytes(32).toString('base64url')}`;
}

/** Lower-case hex SHA-256 of the whole key: what the store keeps and what a request is looked up by. */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** `push,read` → ['push', 'read']; throws naming an unknown scope. */
export function parseScopes(text: string): ApiKeyScope[] {
  return checkScopes(text.split(',').map((s) => s.trim()).filter(Boolean));
}

/** Scope names as given (the REST API's array): each must be one of the scopes; answered in their canonical order. */
export function checkScopes(names: readonly string[]): ApiKeyScope[] {
  if (names.length === 0) throw new Error(`scopes must name at least one of ${apiKeyScopes.join(', ')}`);
  for (const name of names) if (!(apiKeyScopes as readonly string[]).includes(name)) throw new Error(`unknown scope "${name}": use ${apiKeyScopes.join(', ')}`);
  return apiKeyScopes.filter((s) => names.includes(s));
}

const periods = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `100/s`, `600/m`, `10000/h` → a token bucket of that many requests, refilled over that period; throws on anything else. */
export function parseRate(text: string): ApiKeyRate {
  const match = /^\s*(\d+)\s*\/\s*(s|m|h)\s*$/.exec(text);
  const count = match ? Number(match[1]) : NaN;
  if (!match || !Number.isSafeInteger(count) || count < 1 || count > 1_000_000) throw new Error(`invalid rate "${text}": use COUNT/s, COUNT/m or COUNT/h with COUNT from 1 to 1000000, e.g. 100/s`);
  return { count, periodMs: periods[match[2] as keyof typeof periods] };
}

/** The rate as `--rate` takes it (`100/s`). */
export function formatRate(rate: ApiKeyRate): string {
  const unit = (Object.keys(periods) as (keyof typeof periods)[]).find((u) => periods[u] === rate.periodMs);
  return unit ? `${rate.count}/${unit}` : `${rate.count}/${rate.periodMs}ms`;
}
