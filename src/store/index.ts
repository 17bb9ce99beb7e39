// The one place a NotificationStore backend is chosen, from a store URL (`--store`).
import { resolve } from 'node:path';
import { maskUrlPassword } from '../logger.js';
import type { NotificationStore } from './store.js';

export type * from './store.js';
export { uncategorized } from './store.js';

export interface OpenStoreOptions {
  /** PostgreSQL only: the schema holding the tables (default 'public'). */
  schema?: string;
}

/**
 * Opens the backend named by `url`:
 * - `memory`: this process only, lost on exit;
 * - `sqlite:PATH`: a SQLite file (PATH relative to the working directory; its directory is created);
 * - `postgres://…` / `postgresql://…`: PostgreSQL, shared by every node.
 * Backends are loaded lazily, so `memory` never loads a native module or a driver.
 * Rejects with a message listing the accepted forms for anything else.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<NotificationStore> {
  if (url === 'memory') {
    const { openMemoryStore } = await import('./memory/index.js');
    return openMemoryStore();
  }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new Error('store URL "sqlite:" needs a file path, e.g. sqlite:./.notify/notify.db');
    const { openSqliteStore } = await import('./sqlite/index.js');
    return openSqliteStore(resolve(path));
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { openPostgresStore } = await import('./postgres/index.js');
    return openPostgresStore(url, options.schema === undefined ? {} : { schema: options.schema });
  }
  throw new Error(
    `unsupported store ${JSON.stringify(maskUrlPassword(url))}: use "memory", "sqlite:PATH" or "postgres://user@host:port/database"`,
  );
}
