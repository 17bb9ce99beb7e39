// The hub: user → set of live connections on this node; a second device never evicts the first.
import type { Connection } from './connection.js';
import type { NotificationId, UserId } from '../ids.js';

export class Hub {
  private readonly byUser = new Map<UserId, Set<Connection>>();
  private count = 0;

  constructor(private readonly maxConnectionsPerUser: number) {}

  /** Adds a connection; false (nothing added) when the user is at the per-user limit. */
  add(connection: Connection): boolean {
    let set = this.byUser.get(connection.userId);
    if (!set) {
      set = new Set();
      this.byUser.set(connection.userId, set);
    }
    if (set.size >= this.maxConnectionsPerUser) {
      if (set.size === 0) this.byUser.delete(connection.userId);
      return false;
    }
    set.add(connection);
    this.count++;
    return true;
  }

  /** Removes a connection; the user is dropped when its last connection goes. */
  remove(connection: Connection): void {
    const set = this.byUser.get(connection.userId);
    if (!set?.delete(connection)) return;
    this.count--;
    if (set.size === 0) this.byUser.delete(connection.userId);
  }

  /** Sends the same bytes to every connection of the user; returns how many took it. */
  deliver(userId: UserId, frame: string, notificationId?: NotificationId): number {
    const set = this.byUser.get(userId);
    if (!set) return 0;
    let sent = 0;
    for (const connection of set) if (connection.send(frame, notificationId)) sent++;
    return sent;
  }

  connectionsOf(userId: UserId): ReadonlySet<Connection> {
    return this.byUser.get(userId) ?? new Set();
  }

  get size(): number {
    return this.count;
  }

  get userCount(): number {
    return this.byUser.size;
  }

  /** Users with at least one connection on this node. */
  userIds(): UserId[] {
    return [...this.byUser.keys()];
  }

  *all(): IterableIterator<Connection> {
    for (const set of this.byUser.values()) yield* set;
  }
}
