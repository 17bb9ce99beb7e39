// Preference helpers shared by every store backend: what a change turns off, per channel, and whether a push is muted.
import { uncategorized, type MutedKinds, type MutedNames, type PreferenceChange, type UserId } from './store.js';

/** A muted name's kind, as the SQL stores keep it in `preferences_off.kind`. */
export type MuteKind = 'category' | 'type';
/**
 * Where a muted name holds, as the SQL stores keep it in `preferences_off.channel`: 'all' (the top level of the
 * preferences: in-app, and so every channel) or 'web_push' (Web Push only).
 */
export type MuteChannel = 'all' | 'web_push';

export interface PreferenceRow {
  channel: MuteChannel;
  kind: MuteKind;
  name: string;
}

/** The rows a change writes: names to turn off and names to turn back on, per channel and kind. */
export interface PreferenceRows {
  off: PreferenceRow[];
  on: PreferenceRow[];
}

export function preferenceRows(change: PreferenceChange): PreferenceRows {
  const rows: PreferenceRows = { off: [], on: [] };
  const add = (channel: MuteChannel, kind: MuteKind, switches: Readonly<Record<string, boolean>> | undefined): void => {
    for (const [name, on] of Object.entries(switches ?? {})) (on ? rows.on : rows.off).push({ channel, kind, name });
  };
  add('all', 'category', change.categories);
  add('all', 'type', change.types);
  add('web_push', 'category', change.channels?.webPush?.categories);
  add('web_push', 'type', change.channels?.webPush?.types);
  return rows;
}

/** The category a push is muted by: its own, or "general" when it has none. */
export function muteCategory(category: string | undefined | null): string {
  return category ?? uncategorized;
}

/** Builds the sorted MutedNames of (channel, kind, name) rows. */
export function mutedNamesOf(rows: readonly { channel: string; kind: string; name: string }[]): MutedNames {
  const pick = (channel: MuteChannel): MutedKinds => {
    const of = (kind: MuteKind): string[] => rows.filter((r) => r.channel === channel && r.kind === kind).map((r) => r.name).sort();
    return { categories: of('category'), types: of('type') };
  };
  return { ...pick('all'), webPush: pick('web_push') };
}

/** The memory store's preferences: who turned off each category and type on each channel, indexed by name (as the SQL stores' index). */
export class MutedIndex {
  /** `channel:kind:name` → users who turned it off. */
  readonly #mutedBy = new Map<string, Set<UserId>>();

  /** The users who turned off a push of this category ("general" for none) or type at the top level (every channel). */
  mutedFor(category: string | undefined, type: string): Set<UserId> {
    return new Set([...this.#users('all', 'category', muteCategory(category)), ...this.#users('all', 'type', type)]);
  }

  /** True when the user turned this push off for Web Push (there, or at the top level). */
  mutesWebPush(userId: UserId, category: string | undefined, type: string): boolean {
    return (['all', 'web_push'] as const).some(
      (channel) => this.#users(channel, 'category', muteCategory(category)).has(userId) || this.#users(channel, 'type', type).has(userId),
    );
  }

  namesOf(userId: UserId): MutedNames {
    const rows: PreferenceRow[] = [];
    for (const [key, set] of this.#mutedBy) {
      if (!set.has(userId)) continue;
      const [channel, kind, ...name] = key.split(':');
      rows.push({ channel: channel as MuteChannel, kind: kind as MuteKind, name: name.join(':') });
    }
    return mutedNamesOf(rows);
  }

  set(userId: UserId, change: PreferenceChange, mode: 'merge' | 'replace'): MutedNames {
    if (mode === 'replace') for (const set of this.#mutedBy.values()) set.delete(userId);
    const { off, on } = preferenceRows(change);
    for (const row of on) this.#mutedBy.get(keyOf(row))?.delete(userId);
    for (const row of off) {
      const key = keyOf(row);
      this.#mutedBy.set(key, (this.#mutedBy.get(key) ?? new Set()).add(userId));
    }
    return this.namesOf(userId);
  }

  #users(channel: MuteChannel, kind: MuteKind, name: string): ReadonlySet<UserId> {
    return this.#mutedBy.get(`${channel}:${kind}:${name}`) ?? noUsers;
  }
}

const noUsers: ReadonlySet<UserId> = new Set();

function keyOf(row: PreferenceRow): string {
  return `${row.channel}:${row.kind}:${row.name}`;
}

/**
 * SQL (either dialect): the `preferences_off` row `p` turns off a push of category `category` and type `type` (SQL
 * expressions: placeholders or columns) on `channels`. In-app checks ask for `['all']`; Web Push for `['all', 'web_push']`
 * (off in-app is off everywhere).
 */
export function mutesSql(channels: readonly MuteChannel[], category: string, type: string): string {
  const channel = channels.length === 1 ? `p.channel = '${channels[0]}'` : `p.channel IN (${channels.map((c) => `'${c}'`).join(', ')})`;
  return `${channel} AND ((p.kind = 'category' AND p.name = ${category}) OR (p.kind = 'type' AND p.name = ${type}))`;
}
