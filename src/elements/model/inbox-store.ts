// The inbox model the elements and the React hooks share: one client's notifications, their states, lists, counts, preferences.
import type { NotificationReadMessage, NotificationStateMessage, PreferencesData, PreferencesMessage } from '../../../generated/index.js';
import type { BuiltInCatalog, CatalogNotification, CatalogShape } from '../../client/catalog-types.js';
import type { NotifyClient } from '../../client/client.js';
import type { ConnectionState } from '../../client/client-options.js';
import type { WebPushStatus } from '../../client/web-push.js';
import { fetchDisplayTemplates } from '../../client/display-fetch.js';
import type { DisplayTemplates } from '../../client/display.js';
import { feedKey, matches, serverFilter, type FeedQuery } from './feed-query.js';
import { InboxEntries } from './inbox-entries.js';
import { preferenceKey, type FeedSnapshot, type InboxNotice, type InboxSnapshot, type InboxStoreOptions, type PreferenceChannel, type PreferenceGroup } from './inbox-snapshot.js';

export { preferenceKey } from './inbox-snapshot.js';
export type { FeedSnapshot, InboxItem, InboxNotice, InboxSnapshot, InboxStoreOptions, PreferenceChannel, PreferenceGroup } from './inbox-snapshot.js';

interface Feed<N> {
  query: FeedQuery;
  /** `before` for the next page: undefined before the first, null when there is none. */
  cursor: string | null | undefined;
  /** The oldest id a page of this list brought. */
  oldest: string | undefined;
  loading: boolean;
  error: string | undefined;
  watchers: number;
  /** Bumped on reset, so an answer to a request of a previous connection is dropped. */
  generation: number;
  cache: { version: number; value: FeedSnapshot<N> } | undefined;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Holds what one user's device shows of their inbox, kept current by the client's frames: it changes nothing on a
 * click, it asks the server and follows the `notification_read` / `notification_state` / `notifications_removed`
 * frames every device gets. Lists page with `load_more`; after a reconnect everything is loaded again, since state
 * changes made meanwhile are not replayed. `subscribe` / `getSnapshot` / `feedSnapshot` fit `useSyncExternalStore`
 * (snapshots are immutable, new objects only after a change).
 */
export class InboxStore<C extends CatalogShape = BuiltInCatalog> {
  readonly client: NotifyClient<C>;
  readonly server: string;
  readonly pageSize: number;
  readonly #ownsClient: boolean;
  readonly #entries = new InboxEntries<CatalogNotification<C>>();
  readonly #feeds = new Map<string, Feed<CatalogNotification<C>>>();
  readonly #listeners = new Set<() => void>();
  readonly #liveListeners = new Set<(notifications: CatalogNotification<C>[]) => void>();
  readonly #pendingPreferences = new Map<string, boolean>();
  readonly #unsubscribe: (() => void)[] = [];
  #version = 0;
  #snapshot: { version: number; value: InboxSnapshot<CatalogNotification<C>> } | undefined;
  #state: ConnectionState;
  #signedOut = false;
  #userId: string | undefined;
  #unreadCount: number | undefined;
  #unseenCount: number | undefined;
  #preferences: PreferencesData | undefined;
  #templates: DisplayTemplates | undefined;
  #notice: InboxNotice | undefined;
  #webPush: WebPushStatus | 'busy' | undefined;
  #connections = 0;
  /** Notifications up to this id are in the counts of the last connection_established (a resume replays them). */
  #countedUpTo: string | undefined;
  #started = false;
  #closed = false;
  #holders = 0;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: InboxStoreOptions<C>) {
    this.client = options.client;
    this.server = options.server;
    this.pageSize = Math.min(100, Math.max(1, Math.floor(options.pageSize ?? 20)));
    this.#ownsClient = options.ownsClient ?? true;
    this.#templates = options.templates;
    this.#state = options.client.state;
  }

  /** Listens to the client, connects it and fetches the templates (once). */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#listen();
    if (this.#templates === undefined) {
      fetchDisplayTemplates(this.server).then(
        (templates) => {
          this.#templates = templates;
          this.#changed();
        },
        (error: unknown) => this.#fail('templates', error),
      );
    }
    this.client.connect().catch(() => {}); // failures arrive as state / client_error events
  }

  /**
   * Starts the store (once) for a holder; call the returned function when done. The store closes shortly after its
   * last holder let go, so a holder that lets go and takes hold again at once (an element moved in the page, React's
   * StrictMode) keeps it.
   */
  retain(): () => void {
    this.#holders++;
    clearTimeout(this.#closeTimer);
    this.start();
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (--this.#holders > 0) return;
      this.#closeTimer = setTimeout(() => {
        if (this.#holders === 0) void this.close();
      }, 0);
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops listening; closes the client when the store made it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#unsubscribe.splice(0)) off();
    if (this.#ownsClient) await this.client.close();
  }

  /** Calls `listener` after every change. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Calls `listener` with notifications that are new to the user (live, not replayed), for announcements. */
  onLive(listener: (notifications: CatalogNotification<C>[]) => void): () => void {
    this.#liveListeners.add(listener);
    return () => this.#liveListeners.delete(listener);
  }

  readonly getSnapshot = (): InboxSnapshot<CatalogNotification<C>> => {
    if (this.#snapshot?.version === this.#version) return this.#snapshot.value;
    const value: InboxSnapshot<CatalogNotification<C>> = {
      state: this.#state,
      signedOut: this.#signedOut,
      userId: this.#userId,
      unreadCount: this.#unreadCount,
      unseenCount: this.#unseenCount,
      preferences: this.#preferences,
      pendingPreferences: Object.fromEntries(this.#pendingPreferences),
      items: this.#entries.items(),
      templates: this.#templates,
      notice: this.#notice,
      webPush: this.#webPush,
    };
    this.#snapshot = { version: this.#version, value };
    return value;
  };

  /** The list `query` selects, as far as it has been paged. */
  feedSnapshot(query: FeedQuery): FeedSnapshot<CatalogNotification<C>> {
    const feed = this.#feed(query);
    if (feed.cache?.version === this.#version) return feed.cache.value;
    const { cursor, oldest } = feed;
    const items = cursor === undefined
      ? []
      : this.#entries.items((notification, flags) => {
          const n = notification as { id: string; type: string; category?: string };
          // Older than the oldest page brought, while more pages remain: not this list's yet.
          return matches(feed.query, n, flags) && !(cursor !== null && oldest !== undefined && n.id < oldest);
        });
    const value: FeedSnapshot<CatalogNotification<C>> = { items, loaded: feed.cursor !== undefined, loading: feed.loading, hasMore: feed.cursor !== null, error: feed.error };
    feed.cache = { version: this.#version, value };
    return value;
  }

  /** Keeps `query`'s list loaded (its first page now or at the next connection) until the returned function is called. */
  watchFeed(query: FeedQuery): () => void {
    const feed = this.#feed(query);
    feed.watchers++;
    if (feed.cursor === undefined) void this.loadMore(query);
    let watching = true;
    return () => {
      if (watching) feed.watchers--;
      watching = false;
    };
  }

  /** Loads the next older page of `query`'s list (nothing when one is loading, none is left, or the connection is not open). */
  async loadMore(query: FeedQuery): Promise<void> {
    const feed = this.#feed(query);
    if (feed.loading || feed.cursor === null || this.client.state !== 'open') return;
    const generation = feed.generation;
    feed.loading = true;
    feed.error = undefined;
    this.#changed();
    try {
      const page = await this.client.loadMore({ limit: this.pageSize, ...(typeof feed.cursor === 'string' ? { before: feed.cursor } : {}), ...serverFilter(query) });
      if (generation !== feed.generation) return;
      const notifications = page.data.notifications as { id: string }[];
      this.#entries.add(page.data.notifications, new Set(page.data.unseenIds), query.view === 'archived');
      for (const n of notifications) if (feed.oldest === undefined || n.id < feed.oldest) feed.oldest = n.id;
      feed.cursor = page.data.nextCursor;
    } catch (error) {
      if (generation !== feed.generation) return;
      feed.error = errorText(error);
    } finally {
      if (generation === feed.generation) feed.loading = false;
      this.#changed();
    }
  }

  markRead(id: string): Promise<void> {
    if (this.#entries.flags(id)?.read) return Promise.resolve();
    return this.#ask('markRead', () => this.client.markRead(id));
  }

  markAllRead(): Promise<void> {
    return this.#ask('markAllRead', () => this.client.markAllRead());
  }

  /** Marks ids seen (those already seen are left out; at most 100 per request). */
  markSeen(ids: readonly string[]): Promise<void> {
    const unseen = ids.filter((id) => this.#entries.flags(id)?.seen === false).slice(0, 100);
    if (unseen.length === 0) return Promise.resolve();
    return this.#ask('markSeen', () => this.client.markSeen(unseen));
  }

  archive(id: string): Promise<void> {
    return this.#ask('archive', () => this.client.archive([id]));
  }

  unarchive(id: string): Promise<void> {
    return this.#ask('unarchive', () => this.client.unarchive([id]));
  }

  delete(id: string): Promise<void> {
    return this.#ask('delete', () => this.client.delete([id]));
  }

  /**
   * Turns one category or type on or off, in-app (and so everywhere) or, with `channel`, for that channel alone; the
   * switch is pending until the server's `preferences` answers.
   */
  async setPreference(group: PreferenceGroup, name: string, on: boolean, channel?: PreferenceChannel): Promise<void> {
    const key = preferenceKey(group, name, channel);
    this.#pendingPreferences.set(key, on);
    this.#changed();
    const change = { [group]: { [name]: on } };
    try {
      await this.#ask('preferences', () => this.client.setPreferences(channel === undefined ? change : { channels: { [channel]: change } }));
    } finally {
      this.#pendingPreferences.delete(key);
      this.#changed();
    }
  }

  /** Reads whether this browser gets Web Push through the service worker at `serviceWorker` (asks nothing of the user). */
  async readWebPush(serviceWorker: string): Promise<void> {
    const status = await this.client.webPushStatus({ serviceWorker }).catch(() => 'unsupported' as const);
    // A switch in flight has the last word.
    if (this.#webPush === 'busy') return;
    this.#webPush = status;
    this.#changed();
  }

  /**
   * Turns Web Push on (asking the user's permission) or off for this browser; a failure becomes the notice and the
   * status is read again.
   */
  async setWebPush(serviceWorker: string, on: boolean): Promise<void> {
    this.#webPush = 'busy';
    this.#changed();
    try {
      await this.#ask('webPush', () => (on ? this.client.enableWebPush({ serviceWorker }) : this.client.disableWebPush({ serviceWorker })));
    } finally {
      this.#webPush = undefined;
      await this.readWebPush(serviceWorker);
    }
  }

  /** Runs a request; a failure becomes the notice (and rejects). */
  async #ask(action: string, request: () => Promise<unknown>): Promise<void> {
    try {
      await request();
    } catch (error) {
      this.#fail(action, error);
      throw error;
    }
  }

  #fail(action: string, error: unknown): void {
    this.#notice = { action, error: errorText(error), seq: (this.#notice?.seq ?? 0) + 1 };
    this.#changed();
  }

  #feed(query: FeedQuery): Feed<CatalogNotification<C>> {
    const key = feedKey(query);
    let feed = this.#feeds.get(key);
    if (!feed) {
      feed = { query: { ...query }, cursor: undefined, oldest: undefined, loading: false, error: undefined, watchers: 0, generation: 0, cache: undefined };
      this.#feeds.set(key, feed);
    }
    return feed;
  }

  #setCounts(counts: { unreadCount: number; unseenCount?: number }): void {
    this.#unreadCount = counts.unreadCount;
    if (counts.unseenCount !== undefined) this.#unseenCount = counts.unseenCount;
  }

  #changed(): void {
    this.#version++;
    for (const listener of [...this.#listeners]) listener();
  }

  /** Starts over (a new connection after the first): what changed meanwhile is not replayed, so every list reloads. */
  #reset(): void {
    this.#entries.clear();
    for (const feed of this.#feeds.values()) {
      feed.cursor = undefined;
      feed.oldest = undefined;
      feed.loading = false;
      feed.error = undefined;
      feed.generation++;
    }
  }

  #listen(): void {
    const client = this.client as unknown as NotifyClient;
    const on = this.#unsubscribe;
    on.push(
      client.on('state', (state) => {
        this.#state = state;
        this.#changed();
      }),
      client.on('client_error', (error) => {
        if (error.code === 'ERR_ACCESS_DENIED' || error.code === 'ERR_FORBIDDEN') this.#signedOut = true;
        else if (error.code === 'ERR_TOKEN_PROVIDER') this.#fail('connect', error);
        this.#changed();
      }),
      client.on('connection_established', ({ data }) => {
        this.#signedOut = false;
        this.#userId = data.userId;
        this.#setCounts(data);
        this.#countedUpTo = data.resumeFrom;
        if (this.#connections++ > 0) this.#reset();
        // Asked on every connection: a change made while this device was away reaches it no other way.
        client.getPreferences().catch((error: unknown) => this.#fail('preferences', error));
        this.#changed();
        for (const feed of this.#feeds.values()) if (feed.watchers > 0 && feed.cursor === undefined) void this.loadMore(feed.query);
      }),
      client.on('unread_notifications', ({ data }) => {
        this.#setCounts(data);
        this.#entries.add(data.notifications, new Set(data.unseenIds), false);
        this.#changed();
      }),
      client.on('notification', (n) => {
        const added = this.#entries.add([n], undefined, false);
        // New: unread and unseen until a state frame says otherwise (it carries the server's counts); one a resume
        // replays is already in the counts connection_established gave.
        const fresh = added.filter((a) => (a as { read?: boolean }).read !== true && (this.#countedUpTo === undefined || (a as { id: string }).id > this.#countedUpTo));
        if (fresh.length > 0) {
          if (this.#unreadCount !== undefined) this.#unreadCount += fresh.length;
          if (this.#unseenCount !== undefined) this.#unseenCount += fresh.length;
        }
        this.#changed();
        if (fresh.length > 0) for (const listener of [...this.#liveListeners]) listener(fresh as CatalogNotification<C>[]);
      }),
      client.on('notification_read', ({ data }: NotificationReadMessage) => {
        this.#entries.read(data.ids);
        this.#setCounts(data);
        this.#changed();
      }),
      client.on('notification_state', ({ data }: NotificationStateMessage) => {
        this.#entries.state(data.state, data.ids);
        this.#setCounts(data);
        this.#changed();
      }),
      client.on('notifications_removed', ({ data }) => {
        this.#entries.remove(data.ids);
        this.#setCounts(data);
        this.#changed();
      }),
      client.on('preferences', ({ data }: PreferencesMessage) => {
        this.#preferences = data;
        this.#changed();
      }),
    );
  }
}
