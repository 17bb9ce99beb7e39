// Preference helpers shared by every store backend: what a change turns off, and whether a push is muted.
import { uncategorized, type MutedNames, type PreferenceChange, type UserId } from './store.js';

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

/** The memory store's preferences: who turned off each category and type, indexed by name (as the SQL stores' index). */
export class MutedIndex {
  /** `kind:name` → users who turned it off. */
  readonly #mutedBy = new Map<string, Set<UserId>>();

  /** The users who turned off a push of this category ("general" for none) or type. */
  mutedFor(category: string | undefined, type: string): Set<UserId> {
    return new Set([...(this.#mutedBy.get(`category:${muteCategory(category)}`) ?? []), ...(this.#mutedBy.get(`type:${type}`) ?? [])]);
  }

  namesOf(userId: UserId): MutedNames {
    const rows: { kind: string; name: string }[] = [];
    for (const [key, set] of this.#mutedBy) {
      if (!set.has(userId)) continue;
      const at = key.indexOf(':');
      rows.push({ kind: key.slice(0, at), name: key.slice(at + 1) });
    }
    return mutedNamesOf(rows);
  }

  set(userId: UserId, change: PreferenceChange, mode: 'merge' | 'replace'): MutedNames {
    if (mode === 'replace') for (const set of this.#mutedBy.values()) set.delete(userId);
    const { off, on } = preferenceRows(change);
    for (const { kind, name } of on) this.#mutedBy.get(`${kind}:${name}`)?.delete(userId);
    for (const { kind, name } of off) {
      const key = `${kind}:${name}`;
      this.#mutedBy.set(key, (this.#mutedBy.get(key) ?? new Set()).add(userId));
    }
    return this.namesOf(userId);
  }
}
