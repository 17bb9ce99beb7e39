// Loads a pg_dump fixture of an earlier release into a schema of its own and checks the store migrated from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../../src/store/index.js';
import type { NotificationStore } from '../../src/store/store.js';
import { databaseUrl, dropSchema } from '../support/services.js';

const fixtures = join(import.meta.dirname, 'fixtures');

/**
 * Loads `fixtures/<file>` (dumped from schema `dumpedSchema`) into a fresh schema, opens the store on it (which
 * migrates it), runs `check`, and answers the schema version the migration reached; the schema is dropped after.
 */
export async function migratedPostgresFixture(file: string, dumpedSchema: string, check: (store: NotificationStore) => Promise<void>): Promise<number> {
  const schema = `notify_migrate_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  // pg_dump's psql meta-commands (\restrict) are not SQL; the rest loads as is into a schema of our own.
  const script = readFileSync(join(fixtures, file), 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('\\'))
    .join('\n')
    .replaceAll(dumpedSchema, schema);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(script);
    const store = await openStore(databaseUrl, { schema });
    try {
      await check(store);
    } finally {
      await store.close();
    }
    const { rows } = await client.query<{ v: number }>(`SELECT max(version) AS v FROM "${schema}".schema_version`);
    return rows[0]!.v;
  } finally {
    await client.end();
    await dropSchema(schema);
  }
}
