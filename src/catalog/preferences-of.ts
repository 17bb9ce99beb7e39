// A user's whole preferences from what they turned off: every category and type of the catalog with its value.
import type { PreferencesData } from '../../generated/index.js';
import type { MutedNames } from '../store/store.js';
import type { Catalog } from './catalog.js';

/** Every category and type of the catalog with its value, plus names turned off that the catalog no longer declares. */
export function preferencesOf(catalog: Catalog, muted: MutedNames): PreferencesData {
  const switches = (known: readonly string[], off: readonly string[]): Record<string, boolean> => {
    const out: Record<string, boolean> = {};
    for (const name of [...known, ...off].sort()) out[name] = !off.includes(name);
    return out;
  };
  return { categories: switches(catalog.notificationCategories, muted.categories), types: switches(catalog.notificationTypes, muted.types) };
}
