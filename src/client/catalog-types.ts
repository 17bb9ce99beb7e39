// Types that let the client speak any catalog: an app's generated `Catalog` or, by default, the built-in one.
import type { Catalog as BuiltInCatalog, ControlMessageByType, ServerMessageByType } from '../../generated/index.js';

export type { BuiltInCatalog };

/**
 * What a generated index's `Catalog` looks like: `{ notifications: { [type]: Notification } }`. An app passes the
 * `Catalog` its own `generated/index.d.ts` exports: `createNotifyClient<Catalog>(…)`.
 */
export interface CatalogShape {
  notifications: object;
}

/** Any notification of catalog `C`. */
export type CatalogNotification<C extends CatalogShape> = C['notifications'][keyof C['notifications']];

/** A protocol frame whose `data.notifications` (snapshots, pages) holds catalog `C`'s notifications. */
export type CatalogFrame<F, C extends CatalogShape> = F extends { data: { notifications: unknown[] } }
  ? Omit<F, 'data'> & { data: Omit<F['data'], 'notifications'> & { notifications: CatalogNotification<C>[] } }
  : F;

/** The protocol's control frames by `type`, carrying catalog `C`'s notifications. */
export type CatalogControlFrames<C extends CatalogShape> = { [K in keyof ControlMessageByType]: CatalogFrame<ControlMessageByType[K], C> };

/** Every server frame of catalog `C` by `type`: its notifications and the protocol's control frames. */
export type CatalogServerMessageByType<C extends CatalogShape> = C['notifications'] & CatalogControlFrames<C>;

/** Any server frame of catalog `C`. */
export type CatalogServerMessage<C extends CatalogShape> = CatalogNotification<C> | CatalogControlFrames<C>[keyof CatalogControlFrames<C>];

// The built-in catalog satisfies the shape (checked here, so a generator change that breaks it fails tsc).
export type BuiltInServerMessageByType = ServerMessageByType & CatalogServerMessageByType<BuiltInCatalog>;
