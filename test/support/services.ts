// Redis and PostgreSQL for tests: their URLs (REDIS_URL / DATABASE_URL, else the local services) and a reachability probe.
import { Redis } from 'ioredis';
import pg from 'pg';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why Redis cannot be used, or null when it answers. */
export async function redisUnavailable(): Promise<string | null> {
  const probe = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 2000, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  let cause: unknown;
  probe.on('error', (error: unknown) => (cause = error));
  try {
    await probe.connect();
    await probe.ping();
    return null;
  } catch (error) {
    cause ??= error;
    return `Redis unreachable at ${redisUrl}: ${cause instanceof Error ? cause.message : String(cause)}`;
  } finally {
    probe.disconnect();
  }
}

/** Why PostgreSQL cannot be used, or null when it answers. */
export async function postgresUnavailable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return `PostgreSQL unreachable at ${databaseUrl.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@')}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The reason to skip a suite needing these services, or null to run it. Prints the reason when
 * skipping; under CI=true it never skips (the suite runs and fails on the missing service).
 */
export function skipReason(suite: string, reasons: (string | null)[]): string | null {
  const missing = reasons.filter((r): r is string => r !== null);
  if (missing.length === 0 || process.env.CI === 'true') return null;
  const reason = missing.join('; ');
  console.warn(`skipping ${suite}: ${reason}`);
  return reason;
}

/** Drops a PostgreSQL schema and everything in it (test cleanup). */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
