// Which users turned anything off, kept in memory by the SQLite store while no other connection changes the file, so a push to anyone else needs no preference read.
import type Database from 'better-sqlite3';
import type { MutedNames, UserId } from '../store.js';

/** Past this many users with preferences the set is not kept (the push path reads the database, as before). */
const maxUsers = 10_000;
/** After finding too many, how long before trying to load the set again. */
const retryAfterMs = 60_000;

export interface MutingUsers {
  /** Call first in every write transaction (the write lock is held): another connection's commit voids the set. */
  beginWrite(): void;
  /** Inside a write: false when the user has certainly turned nothing off; true or undefined (not known): ask the database. */
  mayMute(userId: UserId): boolean | undefined;
  /** Inside a write, after it changed the user's preferences to `muted`. */
  changed(userId: UserId, muted: MutedNames): void;
  /** The write transaction failed and rolled back: what the set learnt in it is void. */
  rolledBack(): void;
}

/**
 * The set of users with any `preferences_off` row, exact while `PRAGMA data_version` (which moves only when another
 * connection commits to the file) stays where it was when the set was loaded: this connection's own preference
 * writes update it in the same transaction. Another process writing the same file (`serve --workers`, a second
 * node) voids it at its next commit; the set is then loaded again, lazily, by the next push that needs it.
 */
export function createMutingUsers(db: Database.Database): MutingUsers {
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const load = db.prepare<[number], string>('SELECT DISTINCT user_id FROM preferences_off LIMIT ?').pluck();
  let users: Set<UserId> | undefined;
  let version = -1;
  let notBeforeMs = 0;
  return {
    beginWrite() {
      const now = dataVersion.get()!;
      if (now === version) return;
      version = now;
      users = undefined;
    },
    mayMute(userId) {
      if (users === undefined && Date.now() >= notBeforeMs) {
        const found = load.all(maxUsers + 1);
        if (found.length <= maxUsers) users = new Set(found);
        else notBeforeMs = Date.now() + retryAfterMs;
      }
      return users?.has(userId);
    },
    changed(userId, muted) {
      if (muted.categories.length + muted.types.length > 0) users?.add(userId);
      else users?.delete(userId);
    },
    rolledBack() {
      users = undefined;
      version = -1;
    },
  };
}
