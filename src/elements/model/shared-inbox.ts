// One connection per server and credential on a page: elements that name the same ones share one client and model.
import { createNotifyClient } from '../../client/client.js';
import type { NotifyClientOptions } from '../../client/client-options.js';
import type { DisplayTemplates } from '../../client/display.js';
import { InboxStore } from './inbox-store.js';

/** Where an element connects and with which credential. */
export interface InboxSource {
  /** The server's base URL (http(s) or ws(s)); default: the page's origin. */
  server?: string | undefined;
  /** A JWT for the user, sent as the `token` query parameter. */
  token?: string | undefined;
  /** Called before each connection attempt and before the token expires; null means the cookie credential. Wins over `token`. */
  getToken?: NotifyClientOptions['getToken'] | undefined;
  /** Display templates to use instead of fetching them. */
  templates?: DisplayTemplates | undefined;
  /** Notifications per page. */
  pageSize?: number | undefined;
}

const shared = new Map<string, InboxStore>();
const providerIds = new WeakMap<object, number>();
let nextProviderId = 1;

/** The page's own origin, for elements without a `server`. */
function defaultServer(): string {
  return globalThis.location?.origin ?? 'http://127.0.0.1:8080';
}

function credentialKey(source: InboxSource): string {
  if (source.getToken) {
    let id = providerIds.get(source.getToken);
    if (id === undefined) providerIds.set(source.getToken, (id = nextProviderId++));
    return `provider:${id}`;
  }
  return source.token ? `token:${source.token}` : 'cookie';
}

/** The key of the shared connection `source` names. */
export function sourceKey(source: InboxSource): string {
  return JSON.stringify([source.server || defaultServer(), credentialKey(source), source.pageSize ?? null, source.templates ? 'given' : 'fetched']);
}

/** A new (not started) model with its own client for `source`. */
export function createInboxStore(source: InboxSource): InboxStore {
  const server = source.server || defaultServer();
  const token = source.token;
  const getToken = source.getToken ?? (token ? () => token : () => null);
  // A fixed token or the cookie cannot be renewed from here: only a provider is asked again before expiry.
  const client = createNotifyClient({ url: server, getToken, refreshToken: source.getToken !== undefined });
  return new InboxStore({ client, server, ...(source.templates ? { templates: source.templates } : {}), ...(source.pageSize ? { pageSize: source.pageSize } : {}) });
}

/**
 * The model of `source`'s connection, started, shared with every other holder of the same server and credential;
 * call `release` when done (see {@link InboxStore.retain}).
 */
export function acquireInbox(source: InboxSource): { store: InboxStore; release: () => void } {
  const key = sourceKey(source);
  let store = shared.get(key);
  if (!store || store.closed) {
    store = createInboxStore(source);
    shared.set(key, store);
  }
  return { store, release: store.retain() };
}
