// The SQLite store's in-memory set of users who turned anything off: exact while no other connection writes the file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { createGroupCommit } from '../../src/store/sqlite/group-commit.js';
import { createMutingUsers } from '../../src/store/sqlite/muting-users.js';
import { createWalSync } from '../../src/store/sqlite/wal-sync.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'notify-muting-'));
  file = path.join(dir, 'notify.db');
  // The store creates the schema.
  await openSqliteStore(file).close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mutes = (db: Database.Database, user: string): void => void db.prepare(`INSERT INTO preferences_off (user_id, kind, name) VALUES (?, 'type', 'info')`).run(user);

const none = { categories: [], types: [] };

describe('createMutingUsers', () => {
  it('answers from memory once loaded, and follows its own changes', () => {
    const db = new Database(file);
    mutes(db, 'alice');
    db.prepare(`INSERT INTO preferences_off (user_id, channel, kind, name) VALUES ('frank', 'web_push', 'type', 'info')`).run();
    const users = createMutingUsers(db);
    users.beginWrite();
    expect(users.mayMute('alice')).toBe(true);
    // A Web Push-only row does not mute in-app.
    expect(users.mayMute('frank')).toBe(false);
    expect(users.mayMute('bob')).toBe(false);
    users.changed('bob', { categories: [], types: ['info'], webPush: none });
    users.changed('alice', { categories: [], types: [], webPush: none });
    // Muting Web Push only does not mute in-app.
    users.changed('erin', { categories: [], types: [], webPush: { categories: ['general'], types: [] } });
    expect(users.mayMute('erin')).toBe(false);
    expect(users.mayMute('bob')).toBe(true);
    expect(users.mayMute('alice')).toBe(false);
    // This connection's own commits keep it.
    db.prepare(`DELETE FROM preferences_off`).run();
    users.beginWrite();
    expect(users.mayMute('bob')).toBe(true);
    db.close();
  });

  it("is voided by another connection's commit, and by a rollback", () => {
    const db = new Database(file);
    const other = new Database(file);
    const users = createMutingUsers(db);
    users.beginWrite();
    expect(users.mayMute('carol')).toBe(false);
    mutes(other, 'carol');
    users.beginWrite();
    expect(users.mayMute('carol')).toBe(true);
    users.changed('dave', { categories: ['general'], types: [], webPush: none });
    expect(users.mayMute('dave')).toBe(true);
    // Rolled back: dave's row never reached the file.
    users.rolledBack();
    users.beginWrite();
    expect(users.mayMute('dave')).toBe(false);
    other.close();
    db.close();
  });

  it('is voided when one write of a committed batch rolls back to its savepoint', async () => {
    const db = new Database(file);
    mutes(db, 'gina');
    const users = createMutingUsers(db);
    const { write, close } = createGroupCommit(db, { asyncSync: false, walSync: createWalSync(undefined), onBatchStart: users.beginWrite, onRollback: users.rolledBack });
    await write(() => expect(users.mayMute('gina')).toBe(true));
    // Gina turns everything back on, then her write fails after the change was noted (say, its webhook row): the
    // savepoint puts her rows back while the rest of the batch commits.
    const failed = write(() => {
      db.prepare(`DELETE FROM preferences_off WHERE user_id = 'gina'`).run();
      users.changed('gina', { categories: [], types: [], webPush: none });
      throw new Error('a later statement of the same write failed');
    });
    const other = write(() => 'committed');
    await expect(failed).rejects.toThrow('a later statement');
    expect(await other).toBe('committed');
    // Her rows are in the file again, so the set must not answer "mutes nothing" from memory.
    await write(() => expect(users.mayMute('gina')).toBe(true));
    close();
    db.close();
  });

  it('does not keep more than 10,000 users: it answers "not known" so the store reads the database', () => {
    const db = new Database(file);
    const insert = db.prepare(`INSERT INTO preferences_off (user_id, kind, name) VALUES (?, 'type', 'info')`);
    db.transaction(() => {
      for (let i = 0; i <= 10_000; i++) insert.run(`u${i}`);
    })();
    const users = createMutingUsers(db);
    users.beginWrite();
    expect(users.mayMute('u1')).toBeUndefined();
    expect(users.mayMute('nobody')).toBeUndefined();
    db.close();
  });
});
