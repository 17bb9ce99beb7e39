// The hub: user → live connections on this node; a second device never evicts the first.
import type { Connection } from './connection.js';
import type { NotificationId, UserId } from '../ids.js';

/**
 * A user's connections here: the connection itself while there is one (most users have one device, and a
 * Set per user cost ~200 bytes a connection at 100,000 of them), a Set from the second on.
 */
type Devices = Connection | Set<Connection>;

export class Hub {
  private readonly byUser = new Map<UserId, Devices>();
  private count = 0;

  constructor(private readonly maxConnectionsPerUser: number) {}

  /** Adds a connection; false (nothing added) when the user is at the per-user limit. */
  add(connection: Connection): boolean {
    const devices = this.byUser.get(connection.userId);
    if (sizeOf(devices) >= this.maxConnectionsPerUser) return false;
    if (devices === undefined) this.byUser.set(connection.userId, connection);
    else if (devices instanceof Set) devices.add(connection);
    else this.byUser.set(connection.userId, new Set([devices, connection]));
    this.count++;
    return true;
  }

  /** Removes a connection; the user is dropped when its last connection goes. */
  remove(connection: Connection): void {
    const devices = this.byUser.get(connection.userId);
    if (devices === connection) {
      this.byUser.delete(connection.userId);
    } else if (devices instanceof Set && devices.delete(connection)) {
      if (devices.size === 1) this.byUser.set(connection.userId, devices.values().next().value!);
    } else {
      return;
    }
    this.count--;
  }

  /** Sends the same bytes to every connection of the user; returns how many took it. */
  deliver(userId: UserId, frame: string, notificationId?: NotificationId): number {
    const devices = this.byUser.get(userId);
    if (devices === undefined) return 0;
    if (!(devices instanceof Set)) return devices.send(frame, notificationId) ? 1 : 0;
    let sent = 0;
    for (const connection of devices) if (connection.send(frame, notificationId)) sent++;
    return sent;
  }

  /** How many connections the user has here. */
  countOf(userId: UserId): number {
    return sizeOf(this.byUser.get(userId));
  }

  /** The user's connections here (a copy). */
  connectionsOf(userId: UserId): ReadonlySet<Connection> {
    const devices = this.byUser.get(userId);
    return devices === undefined ? new Set() : new Set(devices instanceof Set ? devices : [devices]);
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
    for (const devices of this.byUser.values()) {
      if (devices instanceof Set) yield* devices;
      else yield devices;
    }
  }
}

function sizeOf(devices: Devices | undefined): number {
  return devices === undefined ? 0 : devices instanceof Set ? devices.size : 1;
}
