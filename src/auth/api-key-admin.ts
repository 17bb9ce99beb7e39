// Creating and showing API keys, shared by `notify keys` (on the store) and the admin REST API (on a running server).
import type { ApiKeyRate, ApiKeyRecord, ApiKeyScope, ApiKeyStore } from '../store/api-keys.js';
import { apiKeyNamePattern } from '../store/api-keys.js';
import { formatRate, generateApiKey, hashApiKey } from './api-key.js';

export interface KeyRequest {
  name: string;
  scopes: readonly ApiKeyScope[];
  rate?: ApiKeyRate;
}

/** A key as listed: never the key, never its hash. Times are ISO 8601. */
export interface KeyView {
  name: string;
  scopes: ApiKeyScope[];
  /** `100/s`; absent: no limit. */
  rate?: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export function keyView(record: ApiKeyRecord): KeyView {
  return {
    name: record.name,
    scopes: [...record.scopes],
    ...(record.rate ? { rate: formatRate(record.rate) } : {}),
    createdAt: new Date(record.createdAt).toISOString(),
    ...(record.lastUsedAt !== undefined ? { lastUsedAt: new Date(record.lastUsedAt).toISOString() } : {}),
    ...(record.revokedAt !== undefined ? { revokedAt: new Date(record.revokedAt).toISOString() } : {}),
  };
}

/** Throws a readable error for a name the key routes and `notify keys revoke NAME` could not carry. */
export function checkKeyName(name: string): string {
  if (!apiKeyNamePattern.test(name)) throw new Error(`key name must be 1–64 of A-Z a-z 0-9 . _ -, got ${JSON.stringify(name.slice(0, 80))}`);
  return name;
}

/** Generates a key, stores its hash, and answers the key itself (shown once) with what was stored. */
export async function createApiKey(store: ApiKeyStore, request: KeyRequest, nowMs = Date.now()): Promise<{ key: string; record: ApiKeyRecord }> {
  checkKeyName(request.name);
  const key = generateApiKey();
  const record = await store.create({ name: request.name, hash: hashApiKey(key), scopes: request.scopes, ...(request.rate ? { rate: request.rate } : {}), createdAt: nowMs });
  return { key, record };
}
