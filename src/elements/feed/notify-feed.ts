// <notify-feed>: the inbox's list as a full page: tabs, infinite scroll, per-item actions, mark all read, the connection state.
import { css, html, type PropertyValues } from 'lit';
import type { InboxView } from '../model/feed-query.js';
import { NotifyElement } from '../notify-element.js';
import { ListController } from '../parts/list-controller.js';
import { listStyles, statusStyles, themeStyles } from '../parts/styles.js';

/**
 * The same list as `<notify-inbox>`'s panel, in the page's flow (the page scrolls it). Items in view are marked seen.
 *
 * @attr server, token, lang, theme, page-size, quiet (see NotifyElement); view (`unread` | `all` | `archived`, the tab first shown)
 * @event notify-open - an item was opened: `{ notification, url }`; cancel it to stop the navigation to `url`
 * @csspart feed, header, title, status, mark-all-read, notice, tabs, tab, tab-selected, tabpanel, list, item, item-read, item-unread, item-dot, item-content, item-title, item-body, item-meta, item-time, item-category, item-actions, item-action, item-action-<action>, load-more, empty
 */
export class NotifyFeed extends NotifyElement {
  static override properties = { ...NotifyElement.properties, view: { type: String } };
  static override styles = [
    themeStyles,
    listStyles,
    statusStyles,
    css`
      :host {
        display: block;
      }
      .feed {
        background: var(--_bg);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        overflow: hidden;
      }
      .header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 12px;
        padding: 12px;
      }
      .heading {
        margin: 0;
        font-size: 1.15em;
      }
      .spacer {
        flex: 1;
      }
    `,
  ];

  declare view: InboxView | undefined;
  readonly #list = new ListController(this, { scrollRoot: () => null });

  constructor() {
    super();
    this.#list.setActive(true);
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (changed.has('view') && this.view) this.#list.view = this.view;
  }

  protected override render(): unknown {
    const snapshot = this.activeStore?.getSnapshot();
    return html`<section class="feed" part="feed" aria-labelledby="feed-title">
        <header class="header" part="header">
          <h2 class="heading" part="title" id="feed-title">${this.t('panelTitle')}</h2>
          ${this.renderStatus(snapshot)}
          <span class="spacer"></span>
          <button type="button" class="text-button" part="mark-all-read" @click=${() => this.activeStore?.markAllRead().catch(() => {})}>${this.t('markAllRead')}</button>
        </header>
        ${this.renderNotice(snapshot)} ${this.#list.renderTabs()} ${this.#list.renderList(snapshot, true)}
      </section>
      ${this.renderAnnouncer()}`;
  }
}
