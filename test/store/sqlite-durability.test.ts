// SQLite store durability: no acknowledged append lost to SIGKILL, group commit, several processes on one file.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../generated/index.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { NotificationStore } from '../../src/store/store.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = join(root, 'test/store/fixtures/sqlite-appender.mjs');
const dir = mkdtempSync(join(tmpdir(), 'notify-durability-'));
let files = 0;
const freshFile = (): string => join(dir, `run${++files}`, 'notify.db');

/** The child imports dist/: rebuild when a store source is newer than its output (`npm test` builds first anyway). */
function ensureBuilt(): void {
  const sources = readdirSync(join(root, 'src/store')).filter((f) => f.endsWith('.ts'));
  const stale = () =>
    sources.some((f) => {
      const out = join(root, 'dist/src/store', f.replace(/\.ts$/, '.js'));
      return !existsSync(out) || statSync(out).mtimeMs < statSync(join(root, 'src/store', f)).mtimeMs;
    });
  if (!stale()) return;
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch {
    // Type errors elsewhere in the project do not stop tsc from emitting; the check below decides.
  }
  if (stale()) throw new Error('dist/src/store is older than src/store and the build did not refresh it: run `npm run build`');
}

interface Child {
  /** "user id" pairs, in the order the child printed them (each after its append resolved). */
  lines: { userId: string; id: string }[];
  /** Resolves once `count` lines arrived. */
  waitFor(count: number): Promise<void>;
  kill(): void;
  /** Exit code (null when killed by a signal), after stdout is drained. */
  closed: Promise<number | null>;
}

function runAppender(file: string, users: string, count: number, inFlight: number): Child {
  const child = spawn(process.execPath, [fixture, file, users, String(count), String(inFlight)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Child['lines'] = [];
  let stderr = '';
  let partial = '';
  let waiting: { count: number; resolve: () => void } | undefined;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      const [userId, id] = line.split(' ') as [string, string];
      lines.push({ userId, id });
    }
    if (waiting && lines.length >= waiting.count) waiting.resolve();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    lines,
    kill: () => child.kill('SIGKILL'),
    closed,
    waitFor: (n) =>
      new Promise<void>((resolve, reject) => {
        if (lines.length >= n) return resolve();
        waiting = { count: n, resolve };
        void closed.then((code) => reject(new Error(`appender exited (${code}) after ${lines.length} lines: ${stderr}`)));
      }),
  };
}

async function allOf(store: NotificationStore, userId: string): Promise<Notification[]> {
  const out: Notification[] = [];
  let before: string | undefined;
  do {
    const page = await store.page(userId, before === undefined ? { limit: 100 } : { limit: 100, before });
    out.push(...page.notifications);
    before = page.nextCursor ?? undefined;
  } while (before !== undefined);
  return out.reverse();
}

function idsOf(lines: Child['lines'], userId: string): string[] {
  return lines.filter((l) => l.userId === userId).map((l) => l.id);
}

const expectAscending = (xs: readonly string[]): void => expect(xs).toEqual([...new Set(xs)].sort());

describe('SQLite store durability', () => {
  beforeAll(ensureBuilt, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every append that resolved before the process was killed with SIGKILL', async () => {
    const file = freshFile();
    const child = runAppender(file, 'alice,bob', 0, 8);
    await child.waitFor(400);
    child.kill();
    expect(await child.closed).toBeNull();
    const printed = child.lines;
    expect(printed.length).toBeGreaterThanOrEqual(400);

    const store = openSqliteStore(file);
    try {
      for (const userId of ['alice', 'bob']) {
        const acknowledged = idsOf(printed, userId);
        expectAscending(acknowledged);
        const stored = new Set((await allOf(store, userId)).map((n) => n.id));
        expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      }
      const after = await store.append({ userId: 'alice', type: 'info', data: { title: 'a', message: 'b', priority: 'low' }, timestamp: 1 });
      expect(after.notification.id > idsOf(printed, 'alice').at(-1)!).toBe(true);
    } finally {
      await store.close();
    }
    const db = new Database(file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('group-commits 200 concurrent appends: one batch, all durable, ids increasing per user in resolve order', async () => {
    const file = freshFile();
    const store = openSqliteStore(file);
    // Only the batch's frames are counted: the schema written at creation is checkpointed out of the WAL first.
    const before = new Database(file);
    before.pragma('wal_checkpoint(TRUNCATE)');
    before.close();
    const users = ['u0', 'u1', 'u2', 'u3'];
    const resolved: Record<string, string[]> = Object.fromEntries(users.map((u) => [u, []]));
    const appended = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const userId = users[i % 4]!;
        const data = { title: `n${i}`, message: 'group', priority: 'high' } as const;
        return store.append({ userId, type: 'info', data, timestamp: 1_000 + i }).then((r) => {
          resolved[userId]!.push(r.notification.id);
          return r.notification;
        });
      }),
    );
    // One transaction writes a handful of WAL frames; 200 separate commits would write hundreds.
    const observer = new Database(file);
    const [{ log: walFrames }] = observer.pragma('wal_checkpoint(PASSIVE)') as [{ log: number }];
    observer.close();
    expect(walFrames).toBeGreaterThan(0);
    expect(walFrames).toBeLessThan(40);
    await store.close();

    const reopened = openSqliteStore(file);
    try {
      for (const userId of users) {
        expect(resolved[userId]).toHaveLength(50);
        expectAscending(resolved[userId]!);
        const stored = await allOf(reopened, userId);
        expect(stored).toEqual(appended.filter((_, i) => users[i % 4] === userId));
      }
    } finally {
      await reopened.close();
    }
  });

  it('orders ids per user when two processes append to the same file at once', async () => {
    const file = freshFile();
    await openSqliteStore(file).close(); // create the schema first, so the children only race on appends
    const children = [runAppender(file, 'alice,bob', 300, 4), runAppender(file, 'alice,bob', 300, 4)];
    expect(await Promise.all(children.map((c) => c.closed))).toEqual([0, 0]);
    const store = openSqliteStore(file);
    try {
      for (const userId of ['alice', 'bob']) {
        for (const child of children) expectAscending(idsOf(child.lines, userId));
        const printed = children.flatMap((c) => idsOf(c.lines, userId)).sort();
        expect(printed).toHaveLength(300);
        expect((await allOf(store, userId)).map((n) => n.id)).toEqual(printed);
      }
    } finally {
      await store.close();
    }
  });
});
