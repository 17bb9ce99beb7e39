// The API-key store: backends' keys (a SHA-256 hash of each, never the key), their scopes, rate, revocation and last use.

/** What a key may do: `push` (push, schedule, retract, topics, state changes), `read` (GET routes), `admin` (keys, and everything). */
export type ApiKeyScope = 'push' | 'read' | 'admin';
export const apiKeyScopes: readonly ApiKeyScope[] = ['push', 'read', 'admin'];

/** A token bucket: `count` requests at once at most, refilled at `count` per `periodMs`. */
export interface ApiKeyRate {
  count: number;
  periodMs: number;
}

/** Key names: what `notify keys revoke NAME` and the admin API name a key by. */
export const apiKeyNamePattern = /^[A-Za-z0-9._-]{1,64}$/;

export interface NewApiKey {
  /** Unique among keys not revoked. */
  name: string;
  /** Lower-case hex SHA-256 of the whole key (`nk_…`). */
  hash: string;
  scopes: readonly ApiKeyScope[];
  /** Absent: no rate limit. */
  rate?: ApiKeyRate;
  /** Epoch milliseconds. */
  createdAt: number;
}

export interface ApiKeyRecord extends NewApiKey {
  /** Stable id (what last-use updates name). */
  id: string;
  /** Epoch milliseconds of the last request made with it, as of the last batch written; absent: never used. */
  lastUsedAt?: number;
  /** Epoch milliseconds; absent while the key works. */
  revokedAt?: number;
}

/** `create` was given the name of a key that is not revoked. */
export class ApiKeyNameTaken extends Error {
  constructor(readonly keyName: string) {
    super(`an API key named "${keyName}" exists; revoke it first or choose another name`);
    this.name = 'ApiKeyNameTaken';
  }
}

/**
 * The keys of one deployment, shared by every process on the same data (a SQLite file, a PostgreSQL schema).
 * Nothing here is on the request path: servers keep the keys in memory and poll `changeMark` to refresh them.
 */
export interface ApiKeyStore {
  /** Stores a key; rejects with {@link ApiKeyNameTaken} when a key of that name is not revoked. Durable when it resolves. */
  create(key: NewApiKey): Promise<ApiKeyRecord>;
  /** The keys not revoked (every key with `includeRevoked`), oldest first. */
  list(options?: { includeRevoked?: boolean }): Promise<ApiKeyRecord[]>;
  /** Revokes the key of that name that is not revoked yet; false when there is none. */
  revoke(name: string, atMs: number): Promise<boolean>;
  /**
   * A value that differs whenever a key was created or revoked since it was last read, by any process sharing the
   * data (counts of created and of revoked keys, which only grow): one small read, polled by every server.
   */
  changeMark(): Promise<string>;
  /** Moves each key's last use (id → epoch ms) forward, never back, in one write for the whole batch. */
  recordUse(lastUsed: ReadonlyMap<string, number>): Promise<void>;
}

/** "push,read" ↔ ['push', 'read'] (how the SQL backends keep scopes); unknown names are dropped on the way in. */
export function scopesText(scopes: readonly ApiKeyScope[]): string {
  return apiKeyScopes.filter((s) => scopes.includes(s)).join(',');
}

export function scopesFromText(text: string): ApiKeyScope[] {
  const names = text.split(',');
  return apiKeyScopes.filter((s) => names.includes(s));
}
