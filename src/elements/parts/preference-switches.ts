// One group of preference switches (categories or types), in-app or of one channel, as the server's last `preferences` frame says.
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { humanize, type NotifyMessages } from '../messages.js';
import { preferenceKey, type InboxSnapshot, type InboxStore, type PreferenceChannel, type PreferenceGroup } from '../model/inbox-store.js';
import type { NotifyElement } from '../notify-element.js';

const legends: Record<PreferenceGroup, [inApp: keyof NotifyMessages, webPush: keyof NotifyMessages]> = {
  categories: ['preferencesCategories', 'webPushCategories'],
  types: ['preferencesTypes', 'webPushTypes'],
};

/**
 * Each change sends `set_preferences` with that one name and waits (disabled, showing the value asked for) for the
 * answer, then shows what the server sent, so every device of the user shows the same switches. A channel's switch
 * is disabled while the name is off in-app: off in-app is off on every channel.
 */
export function renderSwitches(host: NotifyElement, store: InboxStore, snapshot: InboxSnapshot, group: PreferenceGroup, channel?: PreferenceChannel): TemplateResult {
  const inApp = snapshot.preferences?.[group] ?? {};
  const values = channel === undefined ? inApp : (snapshot.preferences?.channels[channel][group] ?? {});
  const labels = group === 'categories' ? host.texts.categoryLabels : host.texts.typeLabels;
  return html`<fieldset part="preference-group">
    <legend>${host.t(legends[group][channel === undefined ? 0 : 1])}</legend>
    ${Object.entries(values).map(([name, on]) => {
      const asked = snapshot.pendingPreferences[preferenceKey(group, name, channel)];
      const pending = asked !== undefined;
      const gated = channel !== undefined && inApp[name] === false;
      return html`<label class="switch" part="preference">
        <span>${labels[name] ?? humanize(name)}</span>
        <input
          type="checkbox"
          role="switch"
          part="switch"
          data-pref-channel=${channel ?? nothing}
          data-pref-group=${group}
          data-pref-name=${name}
          .checked=${live(asked ?? (on && !gated))}
          aria-busy=${pending ? 'true' : nothing}
          ?disabled=${pending || gated || snapshot.state !== 'open'}
          @change=${(event: Event) => {
            // The switch shows what the server sends back; a refused change returns to the server's value.
            store.setPreference(group, name, (event.target as HTMLInputElement).checked, channel).catch(() => host.requestUpdate());
          }}
        />
      </label>`;
    })}
  </fieldset>`;
}
