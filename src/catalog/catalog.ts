// The catalog a server runs on: notification types, their precompiled validators and examples (built-in or an app's).
import * as builtIn from '../../generated/index.js';
import type { Validator, WebPushMode } from '../../generated/index.js';
import type { DisplayTemplates } from '../client/display.js';

/**
 * What `notify generate` writes into an index, read at run time: the built-in `generated/index.ts` and an app's
 * `generated/index.js` both have this shape. Nothing here compiles a schema; every validator is precompiled.
 */
export interface Catalog {
  /** sha256 of the contract and the files it references, as stamped by `notify generate`. */
  readonly contractHash: string;
  readonly notificationTypes: readonly string[];
  /** Categories a user may turn off (the contract's `x-notify-categories`, "general" always). */
  readonly notificationCategories: readonly string[];
  /** Whole notifications (what clients receive), by type. */
  readonly notificationValidators: Readonly<Record<string, Validator<unknown>>>;
  /** The `data` of each type (what a backend pushes). */
  readonly notificationDataValidators: Readonly<Record<string, Validator<unknown>>>;
  /** Every server → client frame by `type`: the catalog's notifications and the protocol's control frames. */
  readonly serverMessageValidators: Readonly<Record<string, Validator<unknown>>>;
  readonly notificationExamples: Readonly<Record<string, readonly unknown[]>>;
  /** How each type is shown (`x-notify-display`, checked at generate time), by type then locale. */
  readonly displayTemplates: DisplayTemplates;
  /** When each type also goes out as Web Push (`x-notify-web-push`); absent in output of older versions: all `offline`. */
  readonly notificationWebPush?: Readonly<Record<string, WebPushMode>>;
}

/** True when `value` is a category the catalog declares (`info.x-notify-categories`, "general" always). */
export function isCatalogCategory(catalog: Catalog, value: unknown): value is string {
  return typeof value === 'string' && catalog.notificationCategories.includes(value);
}

/** Why `category` is refused (undefined when it is absent or declared): for the CLI's checks before sending. */
export function undeclaredCategory(catalog: Catalog, category: unknown): string | undefined {
  if (category === undefined || isCatalogCategory(catalog, category)) return undefined;
  return `category ${JSON.stringify(category)} is not declared by the contract (info.x-notify-categories); valid categories: ${catalog.notificationCategories.join(', ')}`;
}

/** notify's own catalog (the seeds' types), compiled into the package. */
export const builtInCatalog: Catalog = builtIn as unknown as Catalog;

/** True when `value` is one of the catalog's notification types. */
export function isCatalogType(catalog: Catalog, value: unknown): value is string {
  return typeof value === 'string' && catalog.notificationTypes.includes(value);
}
