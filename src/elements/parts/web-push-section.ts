// The preferences view's Web Push section: this browser's switch, then the Web Push channel's category and type switches.
import { html, nothing, type TemplateResult } from 'lit';
import type { InboxSnapshot, InboxStore } from '../model/inbox-store.js';
import type { NotifyElement } from '../notify-element.js';
import { renderSwitches } from './preference-switches.js';

/** The worker each model's status was read for (once per model, whichever element shows it first). */
const readFor = new WeakMap<InboxStore, string>();

/**
 * Shown where Web Push is available: the element names the app's service worker (`web-push-worker`), the browser has
 * the Push API and the server has VAPID keys. Nothing otherwise (nor while the status is being read).
 */
export function renderWebPush(host: NotifyElement, store: InboxStore, snapshot: InboxSnapshot): TemplateResult | typeof nothing {
  const worker = host.webPushWorker;
  if (!worker || snapshot.state !== 'open') return nothing;
  if (readFor.get(store) !== worker) {
    readFor.set(store, worker);
    void store.readWebPush(worker);
  }
  const status = snapshot.webPush;
  if (status === undefined || status === 'unsupported' || status === 'unavailable') return nothing;
  const channel = snapshot.preferences?.channels.webPush;
  return html`<fieldset part="preference-group web-push">
    <legend>${host.t('webPushTitle')}</legend>
    <label class="switch" part="preference">
      <span>${host.t('webPushDevice')}</span>
      <input
        type="checkbox"
        role="switch"
        part="switch"
        data-web-push-device
        .checked=${status === 'on'}
        aria-busy=${status === 'busy' ? 'true' : nothing}
        ?disabled=${status === 'busy' || status === 'denied'}
        @change=${(event: Event) => {
          // A refused permission or a failed request shows the notice; the switch shows the status read after it.
          store.setWebPush(worker, (event.target as HTMLInputElement).checked).catch(() => host.requestUpdate());
        }}
      />
    </label>
    <p class="hint">${host.t(status === 'denied' ? 'webPushBlocked' : 'webPushHint')}</p>
  </fieldset>
  ${channel && status === 'on' ? [renderSwitches(host, store, snapshot, 'categories', 'webPush'), renderSwitches(host, store, snapshot, 'types', 'webPush')] : nothing}`;
}
