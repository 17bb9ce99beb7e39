// The SQLite store's API keys (table api_keys, schema 5): statements and the ApiKeyStore built on them.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ApiKeyNameTaken, scopesFromText, scopesText, type ApiKeyRecord, type ApiKeyStore } from '../api-keys.js';
import type { GroupCommit } from './group-commit.js';

interface KeyRow {
  id: string;
  name: string;
  key_hash: string;
  scopes: string;
  rate_count: number | null;
  rate_period_ms: number | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export function recordOfRow(r: KeyRow): ApiKeyRecord {
  return {
    id: r.id,
    name: r.name,
    hash: r.key_hash,
    scopes: scopesFromText(r.scopes),
    createdAt: r.created_at,
    ...(r.rate_count !== null && r.rate_period_ms !== null ? { rate: { count: r.rate_count, periodMs: r.rate_period_ms } } : {}),
    ...(r.last_used_at !== null ? { lastUsedAt: r.last_used_at } : {}),
    ...(r.revoked_at !== null ? { revokedAt: r.revoked_at } : {}),
  };
}

/** Writes go through the store's group commit (`write`); last-use batches are not fsynced (losing one in an OS crash is harmless). */
export function sqliteApiKeys(db: Database.Database, write: GroupCommit['write'], live: () => void): ApiKeyStore {
  const sql = {
    insert: db.prepare<[string, string, string, string, number | null, number | null, number]>(
      `INSERT INTO api_keys (id, name, key_hash, scopes, rate_count, rate_period_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    active: db.prepare<[], KeyRow>(`SELECT * FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at, id`),
    all: db.prepare<[], KeyRow>(`SELECT * FROM api_keys ORDER BY created_at, id`),
    revoke: db.prepare<[number, string]>(`UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL`),
    mark: db.prepare<[], { created: number; revoked: number }>(`SELECT count(*) AS created, count(revoked_at) AS revoked FROM api_keys`),
    used: db.prepare<[number, string]>(`UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE id = ?`),
  };
  return {
    async create(key) {
      const id = randomUUID();
      try {
        await write(() => sql.insert.run(id, key.name, key.hash, scopesText(key.scopes), key.rate?.count ?? null, key.rate?.periodMs ?? null, key.createdAt));
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && /name/.test((error as Error).message)) throw new ApiKeyNameTaken(key.name);
        throw error;
      }
      return { ...key, scopes: [...key.scopes], id };
    },
    async list(options = {}) {
      live();
      return (options.includeRevoked ? sql.all : sql.active).all().map(recordOfRow);
    },
    async revoke(name, atMs) {
      return (await write(() => sql.revoke.run(atMs, name).changes)) > 0;
    },
    async changeMark() {
      live();
      const row = sql.mark.get()!;
      return `${row.created}:${row.revoked}`;
    },
    async recordUse(lastUsed) {
      if (lastUsed.size === 0) return;
      await write(
        () => {
          for (const [id, at] of lastUsed) sql.used.run(at, id);
        },
        { durable: false },
      );
    },
  };
}
