// --store, --pg-schema and --state-dir for commands that work on the store directly (`notify keys`), as `serve` takes them.
import { Option } from 'commander';
import { defaultConfig } from '../../src/config.js';
import type { NotificationStore } from '../../src/store/store.js';
import { usageError } from './usage.js';

export interface StoreFlags {
  store?: string;
  pgSchema?: string;
  stateDir: string;
}

/** A PostgreSQL identifier (`--pg-schema`), or a usage error. */
export function identifier(value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(value)) throw usageError(`expected a PostgreSQL identifier (letters, digits, _), got ${JSON.stringify(value)}`);
  return value;
}

/** `--store` and `--pg-schema`, as `serve` and the store commands take them. */
export const storeOption = (): Option => new Option('--store <url>', `sqlite:PATH | memory | postgres://… (default: the dev store, ${defaultConfig.store})`).env('NOTIFY_STORE');
export const pgSchemaOption = (): Option => new Option('--pg-schema <name>', 'PostgreSQL store: schema holding the tables (default public)').env('NOTIFY_PG_SCHEMA').argParser(identifier);

/** The store URL the flags name: `--store`, else the dev store's SQLite file in the state directory. */
export function storeUrl(flags: Pick<StoreFlags, 'store' | 'stateDir'>): string {
  return flags.store ?? `sqlite:${flags.stateDir.replace(/\/$/, '')}/notify.db`;
}

/** The same store flags and env vars as `notify serve`, so a command reaches the data the server uses. */
export function storeOptions(): Option[] {
  return [
    storeOption(),
    pgSchemaOption(),
    new Option('--state-dir <dir>', 'where dev mode keeps its SQLite file').env('NOTIFY_STATE_DIR').default(defaultConfig.stateDir),
  ];
}

/** Opens (and migrates) the store the flags name; the caller closes it. */
export async function openStoreFromFlags(flags: StoreFlags): Promise<NotificationStore> {
  const url = storeUrl(flags);
  if (url === 'memory') throw usageError('--store memory holds nothing between processes; give the store the server uses (sqlite:PATH or postgres://…)');
  // Loaded on use: the command line is built by every notify process, and only these commands need a store.
  const { openStore } = await import('../../src/store/index.js');
  return openStore(url, flags.pgSchema === undefined ? {} : { schema: flags.pgSchema });
}
