// Render functions by notification type, typed by an app's catalog; defineRenderers<Catalog>() insists on one for every type.
import type { ReactNode } from 'react';
import type { BuiltInCatalog, CatalogShape } from '../client/catalog-types.js';
import type { InboxItem } from '../elements/model/inbox-store.js';

/** Renders the content of one notification's item (the element keeps its unread dot, time, category and actions). */
export type ReactItemRenderer<N> = (notification: N, item: InboxItem<N>) => ReactNode;

declare const catalogOf: unique symbol;

/** Carries the catalog a renderers object was written for (type-level only), so `<Inbox>` infers it. */
export interface CatalogBrand<C extends CatalogShape> {
  readonly [catalogOf]?: C;
}

/** Renderers for any subset of catalog `C`'s types, each typed by its type's notification; the others use their display template. */
export type ReactRenderers<C extends CatalogShape = BuiltInCatalog> = { readonly [K in keyof C['notifications']]?: ReactItemRenderer<C['notifications'][K]> } & CatalogBrand<C>;

/** A renderer for every type of catalog `C`. */
export type CompleteRenderers<C extends CatalogShape = BuiltInCatalog> = { readonly [K in keyof C['notifications']]: ReactItemRenderer<C['notifications'][K]> };

/**
 * `defineRenderers<Catalog>()({ order_shipped: (n) => …, invoice_ready: (n) => … })`: the object must name every type
 * of `Catalog` and nothing else, and each function gets its own type's notification. So a type added to the contract
 * (and `notify generate`) fails `tsc` until the app renders it, and a misspelt field fails at once.
 */
export function defineRenderers<C extends CatalogShape>(): (renderers: CompleteRenderers<C>) => CompleteRenderers<C> & CatalogBrand<C> {
  return (renderers) => renderers;
}
