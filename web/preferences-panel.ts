// The preferences panel: one switch per category and per notification type, showing the last `preferences` frame; flipping one sends set_preferences.
import type { PreferencesData } from '../generated/index.js';

/** Which half of the preferences a switch belongs to. */
export type PreferenceGroup = Exclude<keyof PreferencesData, 'channels'>;
/** Sends one change (`set_preferences` with a single name); the `preferences` frame that answers it is what the panel shows. */
export type SendPreference = (group: PreferenceGroup, name: string, on: boolean) => Promise<unknown>;

const groupTitles: Record<PreferenceGroup, string> = { categories: 'Categories', types: 'Notification types' };

/**
 * Hidden until the first `preferences` frame: the panel has nothing to show before the server said what the
 * catalog's categories and types are. A switch is disabled while its change is under way; a failed change goes
 * back to the last value the server sent.
 */
export class PreferencesPanel {
  readonly #root: HTMLElement;
  readonly #send: SendPreference;
  readonly #label: (group: PreferenceGroup, name: string) => string;
  readonly #inputs = new Map<string, HTMLInputElement>();
  /** Names the panel lists even when the frame leaves them out (absent means on): the catalog's types. */
  readonly #known: Record<PreferenceGroup, readonly string[]>;
  #last: PreferencesData | undefined;

  constructor(root: HTMLElement, send: SendPreference, options: { types: readonly string[]; label: (group: PreferenceGroup, name: string) => string }) {
    this.#root = root;
    this.#send = send;
    this.#label = options.label;
    this.#known = { categories: [], types: options.types };
    root.addEventListener('change', (event) => this.#onChange(event.target as HTMLInputElement));
  }

  /** Shows preferences as the server sent them (every device of the user gets each change). */
  show(preferences: PreferencesData): void {
    this.#last = preferences;
    this.#root.hidden = false;
    for (const group of Object.keys(groupTitles) as PreferenceGroup[]) {
      const names = [...new Set([...this.#known[group], ...Object.keys(preferences[group])])];
      for (const name of names) {
        const input = this.#input(group, name);
        input.checked = preferences[group][name] !== false;
        input.disabled = false;
      }
    }
  }

  #onChange(input: HTMLInputElement): void {
    const group = input.dataset['prefGroup'] as PreferenceGroup | undefined;
    const name = input.dataset['prefName'];
    if (group === undefined || name === undefined) return;
    input.disabled = true;
    this.#send(group, name, input.checked)
      .catch(() => {
        if (this.#last) input.checked = this.#last[group][name] !== false;
      })
      .finally(() => (input.disabled = false));
  }

  /** The switch of `group`/`name`, made (in its group's list) the first time. */
  #input(group: PreferenceGroup, name: string): HTMLInputElement {
    const key = `${group}:${name}`;
    const known = this.#inputs.get(key);
    if (known) return known;
    const list = this.#group(group);
    const label = document.createElement('label');
    label.className = 'pref';
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.setAttribute('role', 'switch');
    input.dataset['prefGroup'] = group;
    input.dataset['prefName'] = name;
    const text = document.createElement('span');
    text.textContent = this.#label(group, name);
    label.append(input, text);
    list.append(label);
    this.#inputs.set(key, input);
    return input;
  }

  #group(group: PreferenceGroup): HTMLElement {
    const found = this.#root.querySelector<HTMLElement>(`[data-pref-list="${group}"]`);
    if (found) return found;
    const fieldset = document.createElement('fieldset');
    fieldset.className = 'pref-group';
    const legend = document.createElement('legend');
    legend.textContent = groupTitles[group];
    const list = document.createElement('div');
    list.dataset['prefList'] = group;
    fieldset.append(legend, list);
    this.#root.append(fieldset);
    return list;
  }
}
