// What the inbox model hands out: its snapshots (immutable, for the elements and useSyncExternalStore), its options, and the names of preference switches.
import type { PreferencesData } from '../../../generated/index.js';
import type { BuiltInCatalog, CatalogNotification, CatalogShape } from '../../client/catalog-types.js';
import type { NotifyClient } from '../../client/client.js';
import type { ConnectionState } from '../../client/client-options.js';
import type { DisplayTemplates } from '../../client/display.js';
import type { WebPushStatus } from '../../client/web-push.js';
import type { ItemFlags } from './feed-query.js';

/** A notification with what this device knows of its state. */
export interface InboxItem<N = CatalogNotification<BuiltInCatalog>> extends Readonly<ItemFlags> {
  readonly id: string;
  readonly notification: N;
}

/** One list: its notifications newest first, as far as it has been paged. */
export interface FeedSnapshot<N = CatalogNotification<BuiltInCatalog>> {
  readonly items: readonly InboxItem<N>[];
  /** The first page arrived (before that, `items` is empty). */
  readonly loaded: boolean;
  readonly loading: boolean;
  /** Older notifications remain on the server. */
  readonly hasMore: boolean;
  /** Why the last page failed to load. */
  readonly error: string | undefined;
}

/** A request that failed, for the elements to show: `action` names what was asked (`archive`, `load`, …). */
export interface InboxNotice {
  readonly action: string;
  readonly error: string;
  /** Increases with every notice, so the same text twice is still news. */
  readonly seq: number;
}

/** The connection and the counts. */
export interface InboxSnapshot<N = CatalogNotification<BuiltInCatalog>> {
  readonly state: ConnectionState;
  /** True when the server refused the credential (closed for good). */
  readonly signedOut: boolean;
  readonly userId: string | undefined;
  /** The server's counts (archived ones excluded); undefined before the first connection. */
  readonly unreadCount: number | undefined;
  readonly unseenCount: number | undefined;
  /** The user's preferences as the server last sent them; undefined until it did. */
  readonly preferences: PreferencesData | undefined;
  /** The value asked for each switch (`group:name`, `webPush:group:name` for the Web Push channel) waiting for the server's answer: show it meanwhile. */
  readonly pendingPreferences: Readonly<Record<string, boolean>>;
  /** Every notification held, newest first. */
  readonly items: readonly InboxItem<N>[];
  /** The display templates, once fetched (or given). */
  readonly templates: DisplayTemplates | undefined;
  readonly notice: InboxNotice | undefined;
  /** This browser's Web Push, once `readWebPush` was called; `busy` while it is being turned on or off. */
  readonly webPush: WebPushStatus | 'busy' | undefined;
}

export interface InboxStoreOptions<C extends CatalogShape> {
  client: NotifyClient<C>;
  /** The server's base URL, for its display templates. */
  server: string;
  /** Display templates to use instead of fetching them (an app's generated `displayTemplates`). */
  templates?: DisplayTemplates;
  /** Notifications per `load_more` (1–100). Default 20. */
  pageSize?: number;
  /** Close the client with the store. Default true. */
  ownsClient?: boolean;
}

/** Which half of the preferences a switch belongs to (from the contract's PreferencesData). */
export type PreferenceGroup = Exclude<keyof PreferencesData, 'channels'>;

/** A delivery channel with preferences of its own, besides in-app which also gates it (the contract's PreferenceChannels). */
export type PreferenceChannel = keyof PreferencesData['channels'];

/** The key of a switch in `pendingPreferences`. */
export const preferenceKey = (group: PreferenceGroup, name: string, channel?: PreferenceChannel): string =>
  channel === undefined ? `${group}:${name}` : `${channel}:${group}:${name}`;
