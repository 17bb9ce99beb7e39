// The preferences view: the in-app switches per category and type, Web Push where available, then an app's own sections.
import { html, type TemplateResult } from 'lit';
import type { InboxSnapshot } from '../model/inbox-store.js';
import type { NotifyElement } from '../notify-element.js';
import { renderSwitches } from './preference-switches.js';
import { renderWebPush } from './web-push-section.js';

/** The switches; the server suppresses what is off (critical notifications still arrive). */
export function renderPreferences(host: NotifyElement, snapshot: InboxSnapshot | undefined): TemplateResult {
  const store = host.activeStore;
  if (!store || !snapshot?.preferences) return html`<p class="empty" part="empty">${host.t('preferencesLoading')}</p>`;
  return html`<div class="preferences" part="preferences">
    <p class="hint">${host.t('preferencesHint')}</p>
    ${renderSwitches(host, store, snapshot, 'categories')} ${renderSwitches(host, store, snapshot, 'types')}
    ${renderWebPush(host, store, snapshot)} ${host.preferenceSections.map((section) => section(host, store, snapshot))}
  </div>`;
}
