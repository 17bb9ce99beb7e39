// The notifications one inbox model holds, by id, with what this device knows of their state; each item object is kept until that entry changes.
import type { NotificationStateMessage } from '../../../generated/index.js';
import type { ItemFlags } from './feed-query.js';
import type { InboxItem } from './inbox-snapshot.js';

interface Entry<N> extends ItemFlags {
  notification: N;
  /** The item handed out for this entry; dropped on any change, so an unchanged one stays the same object (renders skip it). */
  item: InboxItem<N> | undefined;
}

const newestFirst = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export class InboxEntries<N> {
  readonly #entries = new Map<string, Entry<N>>();

  /** What is known of `id`'s state (undefined: not held). */
  flags(id: string): Readonly<ItemFlags> | undefined {
    return this.#entries.get(id);
  }

  /** The held items `keep` accepts, newest first. */
  items(keep: (notification: N, flags: Readonly<ItemFlags>) => boolean = () => true): InboxItem<N>[] {
    const items: InboxItem<N>[] = [];
    for (const [id, entry] of this.#entries) {
      if (!keep(entry.notification, entry)) continue;
      entry.item ??= { id, notification: entry.notification, read: entry.read, seen: entry.seen, archived: entry.archived };
      items.push(entry.item);
    }
    return items.sort(newestFirst);
  }

  /**
   * Adds notifications or updates known ones; `unseen` (from a page or snapshot) says which are unseen, absent: all
   * unread ones. Returns those that were not held.
   */
  add(notifications: readonly unknown[], unseen: ReadonlySet<string> | undefined, archived: boolean): N[] {
    const added: N[] = [];
    for (const raw of notifications) {
      const n = raw as N & { id: string; read?: boolean };
      const read = n.read === true;
      const seen = read || (unseen !== undefined && !unseen.has(n.id));
      const known = this.#entries.get(n.id);
      if (known) {
        known.notification = n;
        known.read ||= read;
        known.seen ||= seen;
        known.archived = archived;
        known.item = undefined;
        continue;
      }
      this.#entries.set(n.id, { notification: n, read, seen, archived, item: undefined });
      added.push(n);
    }
    return added;
  }

  /** `notification_read`: read (and so seen). */
  read(ids: readonly string[]): void {
    for (const id of ids) this.#change(id, (entry) => (entry.read = entry.seen = true));
  }

  /** `notification_state`: seen, archived or unarchived; deleted ones leave. */
  state(state: NotificationStateMessage['data']['state'], ids: readonly string[]): void {
    if (state === 'deleted') return this.remove(ids);
    for (const id of ids) this.#change(id, (entry) => (state === 'seen' ? (entry.seen = true) : (entry.archived = state === 'archived')));
  }

  /** Deleted, expired or retracted: no longer held. */
  remove(ids: readonly string[]): void {
    for (const id of ids) this.#entries.delete(id);
  }

  clear(): void {
    this.#entries.clear();
  }

  #change(id: string, change: (entry: Entry<N>) => void): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    change(entry);
    entry.item = undefined;
  }
}
