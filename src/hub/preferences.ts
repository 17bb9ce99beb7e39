// Preferences: read and change what a user turned off, checked against the catalog, synced to every device.
import { clientMessageValidators, type PreferencesData } from '../../generated/index.js';
import type { Catalog } from '../catalog/catalog.js';
import { preferencesOf } from '../catalog/preferences-of.js';
import { fieldErrors, pointerSegment, type FieldError } from '../contract/validation-errors.js';
import { NotifyError } from '../errors.js';
import type { UserId } from '../ids.js';
import type { MutedNames, NotificationStore, PreferenceChange } from '../store/store.js';
import type { FanOut } from './fan-out.js';

const kinds = ['categories', 'types'] as const;

function offContract(errors: FieldError[]): NotifyError {
  return new NotifyError('off_contract', `Preferences are {"categories": {name: boolean}, "types": {name: boolean}}: ${errors[0]!.pointer} ${errors[0]!.message}`, errors);
}

/**
 * A REST body `{categories?, types?}` as a change. The body is a `set_preferences` frame without its `action`,
 * so the contract's generated validator for that frame checks it: a change to PreferenceSwitches reaches both.
 * Anything off the contract is `off_contract` (422) with a pointer per problem.
 */
export function preferenceChangeOf(body: Record<string, unknown>): PreferenceChange {
  // The frame's own key is not part of the body; the frame's minProperties (action + one kind) does not bind it.
  if ('action' in body) throw offContract([{ pointer: '/action', message: 'is not allowed by the contract' }]);
  if (Object.keys(body).length === 0) return {};
  const validate = clientMessageValidators.set_preferences;
  if (!validate({ action: 'set_preferences', ...body })) throw offContract(fieldErrors(validate.errors));
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
        if (!known[kind].includes(name)) errors.push({ pointer: `/${kind}/${pointerSegment(name)}`, message: `is not one of the catalog's ${kind}` });
      }
    }
    if (errors.length === 0) return;
    const named = errors.slice(0, 5).map((e) => e.pointer.slice(1)).join(', ') + (errors.length > 5 ? ` and ${errors.length - 5} more` : '');
    throw new NotifyError('off_contract', `Unknown ${named}: preferences take the catalog's categories and notification types`.slice(0, 1000), errors);
  }

  private whole(muted: MutedNames): PreferencesData {
    return preferencesOf(this.catalog, muted);
  }
}
