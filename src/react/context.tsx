// <NotifyProvider>: one inbox model (and its connection) for the React tree below it, from a client, a store or connection options.
import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import type { NotifyClient } from '../client/client.js';
import type { NotifyClientOptions } from '../client/client-options.js';
import type { DisplayTemplates } from '../client/display.js';
import { InboxStore } from '../elements/model/inbox-store.js';
import { createInboxStore } from '../elements/model/shared-inbox.js';

/** Connect by options: the server and the user's credential. */
export interface NotifyConnectionProps {
  /** The notify server's base URL; default: the page's origin. */
  server?: string;
  /** A JWT for the user. */
  token?: string;
  /** Called for a JWT before each connection and before expiry (null: the `auth_token` cookie). Wins over `token`. Keep it stable (a new function reconnects). */
  getToken?: NotifyClientOptions['getToken'];
  /** Display templates to use instead of fetching them (an app's generated `displayTemplates`). */
  templates?: DisplayTemplates;
  /** Notifications per page (1–100). Default 20. */
  pageSize?: number;
}

export type NotifyProviderProps = { children?: ReactNode } & (
  | (NotifyConnectionProps & { client?: undefined; store?: undefined })
  /** An app's own client (not closed by the provider); `server` is where its display templates are fetched. */
  | ({ client: NotifyClient<never> | NotifyClient; store?: undefined } & Omit<NotifyConnectionProps, 'token' | 'getToken'>)
  /** A model made elsewhere (shared with elements outside this tree). */
  | { store: InboxStore; client?: undefined }
);

export const NotifyContext = createContext<InboxStore | undefined>(undefined);

/**
 * Holds one inbox model for its children: the hooks and `<Inbox>` / `<Feed>` / `<Preferences>` below it share it (one
 * connection). Given options, it makes and owns the client; given a `client`, it uses it and leaves it open on unmount.
 */
export function NotifyProvider(props: NotifyProviderProps): ReactNode {
  const { store: given, client } = props;
  const { server, token, getToken, templates, pageSize } = props as NotifyConnectionProps;
  const store = useMemo(() => {
    if (given) return given;
    if (client) {
      return new InboxStore({
        client: client as NotifyClient,
        server: server || globalThis.location?.origin || '',
        ownsClient: false,
        ...(templates ? { templates } : {}),
        ...(pageSize ? { pageSize } : {}),
      });
    }
    // Made during render but started only by the effect below (constructing connects nothing).
    return createInboxStore({ server, token, getToken, templates, pageSize });
  }, [given, client, server, token, getToken, templates, pageSize]);
  useEffect(() => store.retain(), [store]);
  return <NotifyContext.Provider value={store}>{props.children}</NotifyContext.Provider>;
}

/** The provider's model; throws outside a `<NotifyProvider>`. */
export function useInboxStore(): InboxStore {
  const store = useContext(NotifyContext);
  if (!store) throw new Error('notify/react: this hook or component needs a <NotifyProvider> above it');
  return store;
}
