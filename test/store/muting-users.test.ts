// The SQLite store's in-memory set of users who turned anything off: exact while no other connection writes the file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { createMutingUsers } from '../../src/store/sqlite/muting-users.js';

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

describe('createMutingUsers', () => {
  it('answers from memory once loaded, and follows its own changes', () => {
    const db = new Database(file);
    mutes(db, 'alice');
    const users = createMutingUsers(db);
    users.beginWrite();
    expect(users.mayMute('alice')).toBe(true);
    expect(users.mayMute('bob')).toBe(false);
    users.changed('bob', { categories: [], types: ['info'] });
    users.changed('alice', { categories: [], types: [] });
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
    users.changed('dave', { categories: ['general'], types: [] });
    expect(users.mayMute('dave')).toBe(true);
    // Rolled back: dave's row never reached the file.
    users.rolledBack();
    users.beginWrite();
    expect(users.mayMute('dave')).toBe(false);
    other.close();
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
