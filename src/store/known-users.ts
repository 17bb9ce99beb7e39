// The users a SQL store process has already written to its users table, so a connect or push of theirs skips that write.
import type { UserId } from '../ids.js';

/** Most user ids remembered. */
const maxKnownUsers = 1_000_000;

/**
 * Users whose row this process has committed (rows are never deleted): their connects and pushes skip the
 * users-table write. Bounded: past `maxKnownUsers` it starts over, which only costs writes.
 */
export class KnownUsers {
  readonly #users = new Set<UserId>();

  has(userId: UserId): boolean {
    return this.#users.has(userId);
  }

  /** Call once the user's row is committed. */
  add(userId: UserId): void {
    if (this.#users.size >= maxKnownUsers) this.#users.clear();
    this.#users.add(userId);
  }
}
