// The store backends every NotificationStore contract suite runs against (memory, SQLite, PostgreSQL), through a factory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import type { NotificationStore } from '../../src/store/store.js';

export interface Backend {
  name: string;
  /** A store with no notifications and no known users. */
  open(): Promise<NotificationStore>;
  /** Another store (another node or process) on the data of the last `open`; absent for memory. */
  openPeer?(): Promise<NotificationStore>;
  /** Runs once after the backend's tests. */
  dispose(): Promise<void>;
}

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function memoryBackend(): Backend {
  return { name: 'memory', open: () => openStore('memory'), dispose: async () => {} };
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'notify-store-'));
  let n = 0;
  const file = (): string => join(dir, `t${n}`, 'notify.db');
  return {
    name: 'sqlite',
    // A fresh file per test, in a directory that does not exist yet (the store creates it).
    open: () => (n++, openStore(`sqlite:${file()}`)),
    openPeer: () => openStore(`sqlite:${file()}`),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** PostgreSQL in a schema of its own for this run, emptied before each test and dropped after. */
async function postgresBackend(): Promise<Backend | { name: string; unavailable: string }> {
  const admin = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => {});
    return { name: 'postgres', unavailable: `PostgreSQL at ${databaseUrl} is unreachable: ${(error as Error).message}` };
  }
  const schema = `notify_test_${process.pid}_${Date.now().toString(36)}`;
  return {
    name: 'postgres',
    async open() {
      const store = await openStore(databaseUrl, { schema });
      const tables = ['users', 'notifications', 'user_states', 'topic_members', 'schedules', 'preferences_off', 'api_keys', 'webhook_endpoints', 'webhook_outbox', 'webhook_delivered', 'webhook_cursors'];
      await admin.query(`TRUNCATE ${tables.map((t) => `"${schema}".${t}`).join(', ')}`);
      // The store read which webhook events are wanted before the tables were emptied.
      await store.webhooks.refreshWanted();
      return store;
    },
    openPeer: () => openStore(databaseUrl, { schema }),
    async dispose() {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}

/** Memory, SQLite, and PostgreSQL (or why it is unavailable). */
export async function storeBackends(): Promise<(Backend | { name: string; unavailable: string })[]> {
  return [memoryBackend(), sqliteBackend(), await postgresBackend()];
}

/** Runs `suite` once per backend, as `${title}: ${backend}`; a backend whose service is down is skipped (never under CI=true). */
export async function forEachStoreBackend(title: string, suite: (backend: Backend) => void): Promise<void> {
  for (const backend of await storeBackends()) {
    if ('unavailable' in backend) {
      if (process.env.CI === 'true') {
        describe(`${title}: ${backend.name}`, () => {
          it('has its service available (never skipped under CI=true)', () => {
            throw new Error(backend.unavailable);
          });
        });
      } else {
        console.warn(`skipping ${title} for ${backend.name}: ${backend.unavailable}`);
        describe.skip(`${title}: ${backend.name}`, () => {
          it('skipped', () => {});
        });
      }
      continue;
    }
    describe(`${title}: ${backend.name}`, () => suite(backend));
  }
}

/** A store from `open` before each test (handed to `use`), closed after it. */
function eachTest(open: () => Promise<NotificationStore>, use: (store: NotificationStore) => void): void {
  let store: NotificationStore | undefined;
  beforeEach(async () => {
    store = await open();
    use(store);
  });
  afterEach(async () => {
    await store?.close();
  });
}

/** Inside a backend's suite: a fresh store before each test (handed to `use`), closed after it; the backend disposed after the suite. */
export function storePerTest(backend: Backend, use: (store: NotificationStore) => void): void {
  eachTest(() => backend.open(), use);
  afterAll(async () => {
    await backend.dispose();
  });
}

/** Inside a suite of a backend several nodes share: before each test another node's store on the same data, closed after it. */
export function peerPerTest(backend: Backend, use: (peer: NotificationStore) => void): void {
  eachTest(() => {
    if (!backend.openPeer) throw new Error(`${backend.name}: one process by design, no other node to open`);
    return backend.openPeer();
  }, use);
}
