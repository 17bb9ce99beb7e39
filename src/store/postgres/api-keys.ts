// The PostgreSQL store's API keys (table api_keys, schema 5): statements and the ApiKeyStore built on them.
import { randomUUID } from 'node:crypto';
import { ApiKeyNameTaken, scopesFromText, scopesText, type ApiKeyRecord, type ApiKeyStore } from '../api-keys.js';
import type { Runner } from './runner.js';

interface KeyRow {
  id: string;
  name: string;
  key_hash: string;
  scopes: string;
  rate_count: number | null;
  rate_period_ms: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

function recordOfRow(r: KeyRow): ApiKeyRecord {
  return {
    id: r.id,
    name: r.name,
    hash: r.key_hash,
    scopes: scopesFromText(r.scopes),
    createdAt: Number(r.created_at),
    ...(r.rate_count !== null && r.rate_period_ms !== null ? { rate: { count: r.rate_count, periodMs: Number(r.rate_period_ms) } } : {}),
    ...(r.last_used_at !== null ? { lastUsedAt: Number(r.last_used_at) } : {}),
    ...(r.revoked_at !== null ? { revokedAt: Number(r.revoked_at) } : {}),
  };
}

/** `S` is the quoted schema; `single` runs one statement in its own transaction (see runner.ts). */
export function postgresApiKeys(S: string, single: Runner): ApiKeyStore {
  const q = (name: string, text: string) => ({ name: `notify_keys_${name}`, text });
  const sql = {
    insert: q('insert', `INSERT INTO ${S}.api_keys (id, name, key_hash, scopes, rate_count, rate_period_ms, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`),
    active: q('active', `SELECT * FROM ${S}.api_keys WHERE revoked_at IS NULL ORDER BY created_at, id`),
    all: q('all', `SELECT * FROM ${S}.api_keys ORDER BY created_at, id`),
    revoke: q('revoke', `UPDATE ${S}.api_keys SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL RETURNING id`),
    mark: q('mark', `SELECT count(*)::int AS created, count(revoked_at)::int AS revoked FROM ${S}.api_keys`),
    used: q('used', `UPDATE ${S}.api_keys k SET last_used_at = greatest(coalesce(k.last_used_at, 0), u.at)
      FROM unnest($1::text[], $2::bigint[]) AS u(id, at) WHERE k.id = u.id`),
  };
  return {
    async create(key) {
      const id = randomUUID();
      try {
        await single(sql.insert, [id, key.name, key.hash, scopesText(key.scopes), key.rate?.count ?? null, key.rate?.periodMs ?? null, key.createdAt]);
      } catch (error) {
        if ((error as { code?: string; constraint?: string }).code === '23505' && (error as { constraint?: string }).constraint === 'api_keys_active_name') {
          throw new ApiKeyNameTaken(key.name);
        }
        throw error;
      }
      return { ...key, scopes: [...key.scopes], id };
    },
    async list(options = {}) {
      return (await single<KeyRow>(options.includeRevoked ? sql.all : sql.active, [])).map(recordOfRow);
    },
    async revoke(name, atMs) {
      return (await single(sql.revoke, [atMs, name])).length > 0;
    },
    async changeMark() {
      const [row] = await single<{ created: number; revoked: number }>(sql.mark, []);
      return `${row!.created}:${row!.revoked}`;
    },
    async recordUse(lastUsed) {
      if (lastUsed.size === 0) return;
      await single(sql.used, [[...lastUsed.keys()], [...lastUsed.values()]]);
    },
  };
}
