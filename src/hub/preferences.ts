// Preferences (DESIGN §9): read and change what a user turned off, checked against the catalog, synced to every device.
import type { PreferencesData } from '../../generated/index.js';
import type { Catalog } from '../catalog/catalog.js';
import type { FieldError } from '../contract/validation-errors.js';
import { NotifyError } from '../errors.js';
import type { UserId } from '../ids.js';
import type { MutedNames, NotificationStore, PreferenceChange } from '../store/store.js';
import type { FanOut } from './fan-out.js';

/** Most names one change may hold per kind (the contract's PreferenceSwitches caps it). */
const maxNamesPerKind = 500;
const kinds = ['categories', 'types'] as const;

/** A JSON pointer segment (RFC 6901). */
const segment = (name: string): string => name.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * A REST body `{categories?, types?}` as a change: each a map of names (1–64 characters) to booleans.
 * Anything else is `off_contract` (422) with a pointer per problem.
 */
export function preferenceChangeOf(body: Record<string, unknown>): PreferenceChange {
  const errors: FieldError[] = [];
  for (const key of Object.keys(body)) if (!(kinds as readonly string[]).includes(key)) errors.push({ pointer: `/${segment(key)}`, message: 'is not allowed (send categories and/or types)' });
  for (const kind of kinds) {
    const switches = body[kind];
    if (switches === undefined) continue;
    if (switches === null || typeof switches !== 'object' || Array.isArray(switches)) {
      errors.push({ pointer: `/${kind}`, message: 'must be an object of names to true / false' });
      continue;
    }
    const entries = Object.entries(switches);
    if (entries.length > maxNamesPerKind) errors.push({ pointer: `/${kind}`, message: `must hold at most ${maxNamesPerKind} names` });
    for (const [name, on] of entries) {
      if (name.length < 1 || name.length > 64) errors.push({ pointer: `/${kind}/${segment(name)}`, message: 'names must be 1–64 characters' });
      else if (typeof on !== 'boolean') errors.push({ pointer: `/${kind}/${segment(name)}`, message: 'must be true or false' });
    }
  }
  if (errors.length) throw new NotifyError('off_contract', `Preferences are {"categories": {name: boolean}, "types": {name: boolean}}: ${errors[0]!.pointer} ${errors[0]!.message}`, errors);
  return body as PreferenceChange;
}

/** Reads and changes preferences; a change reaches every device of the user, on every node (`preferences` frame). */
export class Preferences {
  constructor(
    private readonly store: NotificationStore,
    private readonly fanOut: FanOut,
    private readonly catalog: Catalog,
  ) {}

  /** Every category and type of the catalog with its value, plus names turned off that the catalog no longer declares. */
  async get(userId: UserId): Promise<PreferencesData> {
    return this.whole(await this.store.mutedNames(userId));
  }

  /**
   * Checks every name against the catalog (an unknown one: `off_contract`, nothing stored), applies the change
   * ('merge': only the names given; 'replace': every other name back on), then sends the whole preferences to
   * every device of the user. Returns them.
   */
  async set(userId: UserId, change: PreferenceChange, mode: 'merge' | 'replace'): Promise<PreferencesData> {
    this.check(change);
    const data = this.whole(await this.store.setPreferences(userId, change, mode));
    this.fanOut.sendToUser(userId, 'preferences', data);
    return data;
  }

  private check(change: PreferenceChange): void {
    const known = { categories: this.catalog.notificationCategories, types: this.catalog.notificationTypes };
    const errors: FieldError[] = [];
    for (const kind of kinds) {
      for (const name of Object.keys(change[kind] ?? {})) {
        if (!known[kind].includes(name)) errors.push({ pointer: `/${kind}/${segment(name)}`, message: `is not one of the catalog's ${kind}` });
      }
    }
    if (errors.length === 0) return;
    const named = errors.slice(0, 5).map((e) => e.pointer.slice(1)).join(', ') + (errors.length > 5 ? ` and ${errors.length - 5} more` : '');
    throw new NotifyError('off_contract', `Unknown ${named}: preferences take the catalog's categories and notification types`.slice(0, 1000), errors);
  }

  private whole(muted: MutedNames): PreferencesData {
    const switches = (known: readonly string[], off: readonly string[]): Record<string, boolean> => {
      const out: Record<string, boolean> = {};
      for (const name of [...known, ...off].sort()) out[name] = !off.includes(name);
      return out;
    };
    return { categories: switches(this.catalog.notificationCategories, muted.categories), types: switches(this.catalog.notificationTypes, muted.types) };
  }
}
