// <notify-inbox>: a bell with the unread badge that opens a panel: the tabbed list, the connection state, mark all read, preferences.
import { html, nothing, type PropertyValues } from 'lit';
import type { InboxView } from '../model/feed-query.js';
import { NotifyElement } from '../notify-element.js';
import { backIcon, bellIcon, checkAllIcon, settingsIcon } from '../parts/icons.js';
import { ListController } from '../parts/list-controller.js';
import { renderPreferences } from '../parts/preferences-view.js';
import { listStyles, preferenceStyles, statusStyles, themeStyles } from '../parts/styles.js';
import { inboxStyles } from './inbox.styles.js';

/**
 * A bell whose badge counts the user's unread notifications; it opens a panel with the tabs unread / all / archived,
 * infinite scroll, per-item read / archive / delete, mark all read, the connection state and a preferences view.
 * Items shown in the open panel are marked seen. The bell's accessible name carries the unread count; new
 * notifications are announced in a polite live region; Escape closes the panel and returns focus to the bell.
 *
 * @attr server, token, lang, theme, page-size, quiet (see NotifyElement); open (reflects); view (`unread` | `all` | `archived`, the tab first shown)
 * @event notify-open - an item was opened: `{ notification, url }`; cancel it to stop the navigation to `url`
 * @event notify-toggle - the panel opened or closed: `{ open }`
 * @csspart bell, badge, panel, header, title, status, mark-all-read, preferences-button, back, notice, scroll
 * @csspart tabs, tab, tab-selected, tabpanel, list, item, item-read, item-unread, item-dot, item-content, item-title, item-body, item-meta, item-time, item-category, item-actions, item-action, item-action-<action>, load-more, empty
 * @csspart preferences, preference-group, preference, switch
 */
export class NotifyInbox extends NotifyElement {
  static override properties = { ...NotifyElement.properties, open: { type: Boolean, reflect: true }, view: { type: String } };
  static override styles = [themeStyles, listStyles, preferenceStyles, statusStyles, inboxStyles];

  declare open: boolean;
  declare view: InboxView | undefined;
  readonly #list = new ListController(this, { scrollRoot: () => this.shadowRoot?.querySelector('.scroll') ?? undefined });
  #pane: 'list' | 'preferences' = 'list';
  /** Which edge of the bell the panel aligns with: `end` (it opens leftwards) unless that would leave the viewport. */
  #align: 'start' | 'end' = 'end';
  readonly #onOutside = (event: Event): void => {
    if (this.open && !event.composedPath().includes(this)) this.#setOpen(false, false);
  };

  constructor() {
    super();
    this.open = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('pointerdown', this.#onOutside);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('pointerdown', this.#onOutside);
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (changed.has('view') && this.view) this.#list.view = this.view;
    if (changed.has('open')) this.#list.setActive(this.open && this.#pane === 'list');
    if (changed.has('open') && this.open) {
      const width = Math.min(parseFloat(getComputedStyle(this).getPropertyValue('--notify-panel-width')) || 380, window.innerWidth - 16);
      this.#align = this.getBoundingClientRect().right >= width + 8 ? 'end' : 'start';
    }
  }

  /** Opens or closes the panel; opening moves focus into it, closing by keyboard returns it to the bell. */
  #setOpen(open: boolean, moveFocus: boolean): void {
    if (open === this.open) return;
    this.open = open;
    this.dispatchEvent(new CustomEvent('notify-toggle', { detail: { open }, bubbles: true, composed: true }));
    if (!moveFocus) return;
    void this.updateComplete.then(() => {
      const target = open ? this.shadowRoot?.querySelector<HTMLElement>(this.#pane === 'list' ? '[role="tab"][aria-selected="true"]' : '.back') : this.shadowRoot?.querySelector<HTMLElement>('.bell');
      target?.focus();
    });
  }

  #showPane(pane: 'list' | 'preferences'): void {
    this.#pane = pane;
    this.#list.setActive(this.open && pane === 'list');
    void this.updateComplete.then(() => this.shadowRoot?.querySelector<HTMLElement>(pane === 'list' ? '.preferences-button' : '.back')?.focus());
  }

  readonly #onPanelKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    this.#setOpen(false, true);
  };

  protected override render(): unknown {
    const snapshot = this.activeStore?.getSnapshot();
    const unread = snapshot?.unreadCount ?? 0;
    const label = unread > 0 ? this.t('bellLabel', { count: unread }) : this.t('bellLabelNone');
    const header =
      this.#pane === 'list'
        ? html`<header class="header" part="header">
            <h2 class="heading" part="title" id="panel-title">${this.t('panelTitle')}</h2>
            ${this.renderStatus(snapshot)}
            <span class="spacer"></span>
            <button type="button" class="icon-button" part="mark-all-read" aria-label=${this.t('markAllRead')} title=${this.t('markAllRead')} @click=${() => this.activeStore?.markAllRead().catch(() => {})}>
              ${checkAllIcon}
            </button>
            <button type="button" class="icon-button preferences-button" part="preferences-button" aria-label=${this.t('preferences')} title=${this.t('preferences')} @click=${() => this.#showPane('preferences')}>
              ${settingsIcon}
            </button>
          </header>`
        : html`<header class="header" part="header">
            <button type="button" class="icon-button back" part="back" aria-label=${this.t('back')} title=${this.t('back')} @click=${() => this.#showPane('list')}>${backIcon}</button>
            <h2 class="heading" part="title" id="panel-title">${this.t('preferencesTitle')}</h2>
          </header>`;
    return html`<button
        type="button"
        class="bell"
        part="bell"
        aria-haspopup="dialog"
        aria-expanded=${String(this.open)}
        aria-controls="panel"
        aria-label=${label}
        @click=${() => this.#setOpen(!this.open, true)}
      >
        ${bellIcon} ${unread > 0 ? html`<span class="badge" part="badge" aria-hidden="true" data-count=${unread}>${unread > 99 ? this.t('badgeOverflow') : unread}</span>` : nothing}
      </button>
      <div id="panel" class="panel" part="panel" data-align=${this.#align} role="dialog" aria-labelledby="panel-title" ?hidden=${!this.open} @keydown=${this.#onPanelKey}>
        ${header} ${this.renderNotice(snapshot)} ${this.#pane === 'list' ? this.#list.renderTabs() : nothing}
        <div class="scroll" part="scroll">${this.#pane === 'list' ? this.#list.renderList(snapshot, true) : renderPreferences(this, snapshot)}</div>
      </div>
      ${this.renderAnnouncer()}`;
  }
}
