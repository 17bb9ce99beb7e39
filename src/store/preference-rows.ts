// Preference helpers shared by every store backend: what a change turns off, and whether a push is muted.
import { uncategorized, type MutedNames, type PreferenceChange } from './store.js';

/** A muted name's kind, as the SQL stores keep it in `preferences_off.kind`. */
export type MuteKind = 'category' | 'type';

/** The rows a change writes: names to turn off and names to turn back on, per kind. */
export interface PreferenceRows {
  off: { kind: MuteKind; name: string }[];
  on: { kind: MuteKind; name: string }[];
}

export function preferenceRows(change: PreferenceChange): PreferenceRows {
  const rows: PreferenceRows = { off: [], on: [] };
  const add = (kind: MuteKind, switches: Readonly<Record<string, boolean>> | undefined): void => {
    for (const [name, on] of Object.entries(switches ?? {})) (on ? rows.on : rows.off).push({ kind, name });
  };
  add('category', change.categories);
  add('type', change.types);
  return rows;
}

/** The category a push is muted by: its own, or "general" when it has none. */
export function muteCategory(category: string | undefined | null): string {
  return category ?? uncategorized;
}

/** Builds the sorted MutedNames of (kind, name) rows. */
export function mutedNamesOf(rows: readonly { kind: string; name: string }[]): MutedNames {
  const pick = (kind: MuteKind): string[] => rows.filter((r) => r.kind === kind).map((r) => r.name).sort();
  return { categories: pick('category'), types: pick('type') };
}
