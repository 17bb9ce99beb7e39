// The notification center's model: the notifications the page holds, their read state, and the counters derived from them.
import type { Notification } from '../src/client/index.js';

export interface Counters {
  /** Notifications held by the page, by type (every contract type present, zero or more). */
  byType: Record<string, number>;
  unread: number;
  read: number;
  total: number;
}

/** Notifications by id, newest first by id (ids sort in delivery order per user). */
export class CenterState {
  readonly #items = new Map<string, Notification>();
  readonly #types: readonly string[];
  /** The server's count of this user's unread notifications (all of them, not only those on the page). */
  serverUnread: number | undefined;
  /** `before` for the next load_more: undefined before the first page, null when there is no older page. */
  cursor: string | null | undefined;

  constructor(types: readonly string[]) {
    this.#types = types;
  }

  /** Adds notifications; returns those that were new to the page. */
  add(notifications: readonly Notification[]): Notification[] {
    const added: Notification[] = [];
    for (const n of notifications) {
      const known = this.#items.get(n.id);
      if (known) {
        // A page from the store may know better than a live copy whether it was read since.
        if (n.read === true && known.read !== true) this.#items.set(n.id, { ...known, read: true });
        continue;
      }
      this.#items.set(n.id, n);
      added.push(n);
    }
    return added;
  }

  /** Marks ids read; returns those the page held unread. */
  markRead(ids: readonly string[]): string[] {
    const changed: string[] = [];
    for (const id of ids) {
      const n = this.#items.get(id);
      if (n && n.read !== true) {
        this.#items.set(id, { ...n, read: true });
        changed.push(id);
      }
    }
    return changed;
  }

  get(id: string): Notification | undefined {
    return this.#items.get(id);
  }

  /** Newest first. */
  list(): Notification[] {
    return [...this.#items.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  /** The id of the oldest notification held, if any. */
  oldestId(): string | undefined {
    let oldest: string | undefined;
    for (const id of this.#items.keys()) if (oldest === undefined || id < oldest) oldest = id;
    return oldest;
  }

  counters(): Counters {
    const byType: Record<string, number> = {};
    for (const type of this.#types) byType[type] = 0;
    let read = 0;
    for (const n of this.#items.values()) {
      byType[n.type] = (byType[n.type] ?? 0) + 1;
      if (n.read === true) read++;
    }
    const total = this.#items.size;
    return { byType, unread: total - read, read, total };
  }
}
