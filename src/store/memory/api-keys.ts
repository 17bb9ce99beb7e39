// In-memory ApiKeyStore: this process only (tests and `--store memory`).
import { randomUUID } from 'node:crypto';
import { ApiKeyNameTaken, type ApiKeyRecord, type ApiKeyStore } from '../api-keys.js';

/** `live` throws once the store is closed. */
export function memoryApiKeys(live: () => void): ApiKeyStore {
  const keys: ApiKeyRecord[] = [];
  let revoked = 0;
  const copy = (k: ApiKeyRecord): ApiKeyRecord => ({ ...k, scopes: [...k.scopes], ...(k.rate ? { rate: { ...k.rate } } : {}) });
  return {
    async create(key) {
      live();
      if (keys.some((k) => k.name === key.name && k.revokedAt === undefined)) throw new ApiKeyNameTaken(key.name);
      const record: ApiKeyRecord = { ...key, scopes: [...key.scopes], id: randomUUID() };
      keys.push(record);
      return copy(record);
    },
    async list(options = {}) {
      live();
      return keys.filter((k) => options.includeRevoked || k.revokedAt === undefined).map(copy);
    },
    async revoke(name, atMs) {
      live();
      const key = keys.find((k) => k.name === name && k.revokedAt === undefined);
      if (!key) return false;
      key.revokedAt = atMs;
      revoked++;
      return true;
    },
    async changeMark() {
      live();
      return `${keys.length}:${revoked}`;
    },
    async recordUse(lastUsed) {
      live();
      for (const key of keys) {
        const at = lastUsed.get(key.id);
        if (at !== undefined && (key.lastUsedAt === undefined || at > key.lastUsedAt)) key.lastUsedAt = at;
      }
    },
  };
}
