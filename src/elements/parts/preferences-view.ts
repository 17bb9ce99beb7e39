// The preference switches: one per category and notification type, as the server's last `preferences` frame says.
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { humanize } from '../messages.js';
import type { InboxSnapshot, InboxStore, PreferenceGroup } from '../model/inbox-store.js';
import type { NotifyElement } from '../notify-element.js';


function renderGroup(host: NotifyElement, store: InboxStore, snapshot: InboxSnapshot, group: PreferenceGroup): TemplateResult {
  const values = snapshot.preferences?.[group] ?? {};
  const labels = group === 'categories' ? host.texts.categoryLabels : host.texts.typeLabels;
  const legend = host.t(group === 'categories' ? 'preferencesCategories' : 'preferencesTypes');
  return html`<fieldset part="preference-group">
    <legend>${legend}</legend>
    ${Object.entries(values).map(([name, on]) => {
      const asked = snapshot.pendingPreferences[`${group}:${name}`];
      const pending = asked !== undefined;
      return html`<label class="switch" part="preference">
        <span>${labels[name] ?? humanize(name)}</span>
        <input
          type="checkbox"
          role="switch"
          part="switch"
          data-pref-group=${group}
          data-pref-name=${name}
          .checked=${live(asked ?? on)}
          aria-busy=${pending ? 'true' : nothing}
          ?disabled=${pending || snapshot.state !== 'open'}
          @change=${(event: Event) => {
            const input = event.target as HTMLInputElement;
            // The switch shows what the server sends back; a refused change returns to the server's value.
            store.setPreference(group, name, input.checked).catch(() => host.requestUpdate());
          }}
        />
      </label>`;
    })}
  </fieldset>`;
}

/**
 * The switches. Each change sends `set_preferences` with that one name and waits (disabled, showing the value asked
 * for) for the answer, then shows what the server sent, so every device of the user shows the same switches; the server suppresses what is off (critical notifications still arrive).
 */
export function renderPreferences(host: NotifyElement, snapshot: InboxSnapshot | undefined): TemplateResult {
  const store = host.activeStore;
  if (!store || !snapshot?.preferences) return html`<p class="empty" part="empty">${host.t('preferencesLoading')}</p>`;
  return html`<div class="preferences" part="preferences">
    <p class="hint">${host.t('preferencesHint')}</p>
    ${renderGroup(host, store, snapshot, 'categories')} ${renderGroup(host, store, snapshot, 'types')}
    ${host.preferenceSections.map((section) => section(host, store, snapshot))}
  </div>`;
}
