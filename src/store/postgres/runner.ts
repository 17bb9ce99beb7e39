// How the PostgreSQL store's modules run a named statement (in a transaction or on the pool).
import type pg from 'pg';

export type Query = { name: string; text: string };
export type Runner = <R extends pg.QueryResultRow>(query: Query, values: unknown[]) => Promise<R[]>;

const retryable = new Set(['40P01', '40001']); // deadlock, serialization failure
const maxAttempts = 5;

/**
 * The three ways the store runs statements on `pool`: `run` (one statement, as is), `single` (one statement, its own
 * transaction, retried on deadlock or serialization failure) and `tx` (a body in one transaction, retried the same way).
 * `live` throws once the store is closed.
 */
export function createRunners(pool: pg.Pool, live: () => void) {
  const run: Runner = async (query, values) => (await pool.query({ ...query, values })).rows;
  const single: Runner = async (query, values) => {
    live();
    for (let attempt = 1; ; attempt++) {
      try {
        return await run(query, values);
      } catch (error) {
        if (attempt < maxAttempts && retryable.has((error as { code?: string }).code ?? '')) continue;
        throw error;
      }
    }
  };
  const tx = async <T>(body: (run: Runner) => Promise<T>): Promise<T> => {
    live();
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      // A checked-out client is ours to watch: pg emits 'error' on it when the connection drops (a PostgreSQL
      // restart mid-transaction), and with no listener that crashes the process. The pending query rejects anyway.
      let lost: Error | undefined;
      const onError = (error: Error): void => {
        lost = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const value = await body(async (query, values) => (await client.query({ ...query, values })).rows);
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        if (attempt < maxAttempts && retryable.has((error as { code?: string }).code ?? '')) continue;
        throw error;
      } finally {
        client.off('error', onError);
        // Released with the error, a broken client is discarded instead of going back to the pool.
        client.release(lost);
      }
    }
  };
  return { run, single, tx };
}
