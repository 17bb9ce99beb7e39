// The hooks over the provider's inbox model (useSyncExternalStore): notifications of a list, unread count, preferences, status.
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import type { BuiltInCatalog, CatalogNotification, CatalogShape } from '../client/catalog-types.js';
import type { NotifyClient } from '../client/client.js';
import type { ConnectionState } from '../client/client-options.js';
import type { WebPushStatus } from '../client/web-push.js';
import type { PreferencesData } from '../../generated/index.js';
import type { FeedQuery, InboxView } from '../elements/model/feed-query.js';
import type { FeedSnapshot, InboxItem, PreferenceChannel, PreferenceGroup } from '../elements/model/inbox-store.js';
import { useInboxStore } from './context.js';

/** Which notifications: a view (default `all`), optionally one type or category. */
export interface NotificationsFilter {
  view?: InboxView;
  type?: string;
  category?: string;
}

export interface NotificationsResult<N> extends FeedSnapshot<N> {
  /** The notifications of `items`, newest first. */
  readonly notifications: readonly N[];
  /** Loads the next older page (nothing while one loads or when none is left). */
  loadMore(): Promise<void>;
  markRead(id: string): Promise<void>;
  markAllRead(): Promise<void>;
  archive(id: string): Promise<void>;
  unarchive(id: string): Promise<void>;
  delete(id: string): Promise<void>;
}

/**
 * The list `filter` selects, kept loaded while the component is mounted and current with every device of the user.
 * `C` types the notifications: `useNotifications<Catalog>()` with an app's generated `Catalog`.
 */
export function useNotifications<C extends CatalogShape = BuiltInCatalog>(filter: NotificationsFilter = {}): NotificationsResult<CatalogNotification<C>> {
  const store = useInboxStore();
  const { view = 'all', type, category } = filter;
  // Rebuilt only when the filter's values change (a filter object made anew each render keeps the same query).
  const feedQuery = useMemo<FeedQuery>(() => ({ view, ...(type === undefined ? {} : { type }), ...(category === undefined ? {} : { category }) }), [view, type, category]);
  useEffect(() => store.watchFeed(feedQuery), [store, feedQuery]);
  const feed = useSyncExternalStore(store.subscribe, () => store.feedSnapshot(feedQuery), () => store.feedSnapshot(feedQuery)) as FeedSnapshot<CatalogNotification<C>>;
  const loadMore = useCallback(() => store.loadMore(feedQuery), [store, feedQuery]);
  return useMemo(
    () => ({
      ...feed,
      notifications: feed.items.map((item: InboxItem<CatalogNotification<C>>) => item.notification),
      loadMore,
      markRead: (id: string) => store.markRead(id),
      markAllRead: () => store.markAllRead(),
      archive: (id: string) => store.archive(id),
      unarchive: (id: string) => store.unarchive(id),
      delete: (id: string) => store.delete(id),
    }),
    [feed, loadMore, store],
  );
}

/** The user's unread count as the server keeps it (archived ones excluded); undefined before the first connection. */
export function useUnreadCount(): number | undefined {
  const store = useInboxStore();
  return useSyncExternalStore(store.subscribe, () => store.getSnapshot().unreadCount, () => undefined);
}

export interface PreferencesResult {
  /** Every category and type with on (`true`) or off; undefined until the server sent them. */
  readonly preferences: PreferencesData | undefined;
  /** The value asked for each switch (`group:name`, `webPush:group:name`) waiting for the server's answer. */
  readonly pending: Readonly<Record<string, boolean>>;
  /**
   * Turns one category or type on or off, in-app (everywhere) or for one channel (`webPush`); resolves once every
   * device of the user has the change.
   */
  setPreference(group: PreferenceGroup, name: string, on: boolean, channel?: PreferenceChannel): Promise<void>;
}

/** The user's preferences, current on every device. */
export function usePreferences(): PreferencesResult {
  const store = useInboxStore();
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const { preferences, pendingPreferences } = snapshot;
  return useMemo(() => ({ preferences, pending: pendingPreferences, setPreference: (group, name, on, channel) => store.setPreference(group, name, on, channel) }), [preferences, pendingPreferences, store]);
}

export interface WebPushResult {
  /** This browser's Web Push (undefined while it is read; `busy` while it is turned on or off). */
  readonly status: WebPushStatus | 'busy' | undefined;
  /** Turns it on (asking the user's permission) or off; rejects when that failed (the status is read again). */
  setEnabled(on: boolean): Promise<void>;
}

/** This browser's Web Push through the app's service worker (notify's `sw.js`, by its URL). */
export function useWebPush(serviceWorker: string): WebPushResult {
  const store = useInboxStore();
  const status = useSyncExternalStore(store.subscribe, () => store.getSnapshot().webPush, () => undefined);
  useEffect(() => void store.readWebPush(serviceWorker), [store, serviceWorker]);
  return useMemo(() => ({ status, setEnabled: (on: boolean) => store.setWebPush(serviceWorker, on) }), [status, store, serviceWorker]);
}

export interface NotifyStatus {
  readonly state: ConnectionState;
  /** The server refused the credential (the connection is closed for good). */
  readonly signedOut: boolean;
  readonly userId: string | undefined;
  readonly unseenCount: number | undefined;
}

/** The connection's state and who is signed in. */
export function useNotifyStatus(): NotifyStatus {
  const store = useInboxStore();
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const { state, signedOut, userId, unseenCount } = snapshot;
  return useMemo(() => ({ state, signedOut, userId, unseenCount }), [state, signedOut, userId, unseenCount]);
}

/** The provider's client (typed by `C`), e.g. for `client.on('order_shipped', …)` or `loadMore` with filters of its own. */
export function useNotifyClient<C extends CatalogShape = BuiltInCatalog>(): NotifyClient<C> {
  return useInboxStore().client as unknown as NotifyClient<C>;
}
