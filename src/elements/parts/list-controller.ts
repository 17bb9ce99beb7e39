// The tabbed list of `<notify-inbox>` and `<notify-feed>`: tabs, items, paging on scroll, seen tracking, keyboard and clicks.
import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { inboxViews, type InboxView } from '../model/feed-query.js';
import type { InboxItem, InboxSnapshot, InboxStore } from '../model/inbox-store.js';
import type { NotifyElement } from '../notify-element.js';
import { itemUrl, renderItem, type ItemAction, type ItemContext } from './item-view.js';
import { SeenTracker } from './seen-tracker.js';

/** What `notify-open` carries: the notification opened and where it leads (absent when its template has no `url`). */
export interface NotifyOpenDetail {
  notification: unknown;
  url: string | undefined;
}

/** How long opening waits for the read to be confirmed before it navigates away, in ms. */
const readBeforeLeavingMs = 1000;

const tabLabels = { unread: 'tabUnread', all: 'tabAll', archived: 'tabArchived' } as const;
const emptyLabels = { unread: 'emptyUnread', all: 'emptyAll', archived: 'emptyArchived' } as const;
const interactive = 'a[href], button, input, select, textarea, summary, [tabindex]:not(li), [contenteditable]';

const itemActions: Record<ItemAction, (store: InboxStore, id: string) => Promise<void>> = {
  markRead: (store, id) => store.markRead(id),
  archive: (store, id) => store.archive(id),
  unarchive: (store, id) => store.unarchive(id),
  delete: (store, id) => store.delete(id),
};

export interface ListOptions {
  /** The element the list scrolls in (null: the page; undefined: not rendered yet), for paging on scroll and seen tracking. */
  scrollRoot: () => Element | null | undefined;
}

/**
 * Keeps the list's feed loaded, pages when its end scrolls into view and marks items seen when they are shown (both
 * only while the list is active: an open panel, a feed on the page), and handles the keyboard: arrows / Home / End move between items
 * (one item is in the tab order, with its buttons), Enter or Space opens, and the tabs follow the ARIA tabs pattern.
 */
export class ListController implements ReactiveController {
  view: InboxView = 'all';
  readonly #host: NotifyElement;
  readonly #options: ListOptions;
  #active = false;
  #watch: { store: InboxStore; view: InboxView; stop: () => void } | undefined;
  #seen: { tracker: SeenTracker; store: InboxStore } | undefined;
  #more: IntersectionObserver | undefined;
  #current: string | undefined;
  /** Where the current item was, so the next one takes its place when it leaves the list. */
  #currentIndex = 0;
  #focusCurrent = false;
  #lastState: string | undefined;

  constructor(host: NotifyElement, options: ListOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** Shows or hides the list: only an active list pages on scroll and marks items seen. */
  setActive(active: boolean): void {
    this.#active = active;
    this.#seen?.tracker.pause(!active);
    this.#host.requestUpdate();
  }

  setView(view: InboxView, focusTab = false): void {
    this.view = view;
    this.#current = undefined;
    this.#host.requestUpdate();
    if (focusTab) void this.#host.updateComplete.then(() => this.#root()?.querySelector<HTMLElement>(`#tab-${view}`)?.focus());
  }

  hostUpdated(): void {
    const store = this.#host.activeStore;
    if (!store) {
      this.#watch?.stop();
      this.#watch = undefined;
    } else if (this.#watch?.store !== store || this.#watch.view !== this.view) {
      this.#watch?.stop();
      this.#watch = { store, view: this.view, stop: store.watchFeed({ view: this.view }) };
    }
    this.#trackSeen(store);
    this.#observeEnd();
    if (this.#focusCurrent) {
      this.#focusCurrent = false;
      const item = this.#itemElement(this.#current);
      item?.focus();
      item?.scrollIntoView({ block: 'nearest' });
    }
  }

  hostDisconnected(): void {
    this.#watch?.stop();
    this.#watch = undefined;
    this.#seen?.tracker.disconnect();
    this.#seen = undefined;
    this.#more?.disconnect();
    this.#more = undefined;
  }

  #root(): ShadowRoot | null {
    return this.#host.shadowRoot;
  }

  #itemElement(id: string | undefined): HTMLElement | null | undefined {
    return id === undefined ? undefined : this.#root()?.querySelector<HTMLElement>(`li.item[data-id="${CSS.escape(id)}"]`);
  }

  /** Watches the unseen items shown; on a new connection looks again (what failed to go out goes now). */
  #trackSeen(store: InboxStore | undefined): void {
    const root = this.#options.scrollRoot();
    if (!store || root === undefined) return;
    if (this.#seen?.store !== store) {
      this.#seen?.tracker.disconnect();
      this.#seen = { store, tracker: new SeenTracker(root, (ids) => store.markSeen(ids)) };
      this.#seen.tracker.pause(!this.#active);
    }
    const tracker = this.#seen.tracker;
    const unseen = new Set<string>();
    for (const item of this.#root()?.querySelectorAll<HTMLElement>('li.item[data-seen="false"]') ?? []) {
      const id = item.dataset['id'];
      if (id === undefined) continue;
      unseen.add(id);
      tracker.watch(id, item);
    }
    tracker.keepOnly(unseen);
    const state = store.getSnapshot().state;
    if (state === 'open' && this.#lastState !== 'open') tracker.recheck();
    this.#lastState = state;
  }

  /** Loads the next page when the end of the list comes within 200 px of view. */
  #observeEnd(): void {
    const end = this.#root()?.querySelector('.more');
    const root = this.#options.scrollRoot();
    this.#more?.disconnect();
    this.#more = undefined;
    if (!end || !this.#active || root === undefined) return;
    this.#more = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void this.#host.activeStore?.loadMore({ view: this.view });
      },
      { root, rootMargin: '200px' },
    );
    this.#more.observe(end);
  }

  /** The tabs: unread / all / archived. */
  renderTabs(): TemplateResult {
    return html`<div class="tabs" part="tabs" role="tablist" aria-label=${this.#host.t('tabsLabel')} @keydown=${this.#onTabKey}>
      ${inboxViews.map(
        (view) => html`<button
          type="button"
          role="tab"
          id="tab-${view}"
          part="tab${view === this.view ? ' tab-selected' : ''}"
          data-view=${view}
          aria-selected=${String(view === this.view)}
          aria-controls="tabpanel"
          tabindex=${view === this.view ? 0 : -1}
          @click=${() => this.setView(view)}
        >
          ${this.#host.t(tabLabels[view])}
        </button>`,
      )}
    </div>`;
  }

  /** The list of the selected view in its tab panel, with the paging row. */
  renderList(snapshot: InboxSnapshot | undefined, tabbed: boolean): TemplateResult {
    const store = this.#host.activeStore;
    const feed = store?.feedSnapshot({ view: this.view });
    const ctx: ItemContext = {
      locale: this.#host.locale,
      messages: this.#host.texts,
      templates: snapshot?.templates,
      renderers: this.#host.renderers,
      now: Date.now(),
      t: (key, fields) => this.#host.t(key, fields),
    };
    const items = feed?.items ?? [];
    const index = items.findIndex((item) => item.id === this.#current);
    if (index >= 0) this.#currentIndex = index;
    else {
      // The current item left the list (read in the unread view, archived, deleted): the next one takes its place,
      // and takes the focus if the leaving item had it (else it would fall to the page and Escape would be lost).
      const focused = this.#root()?.activeElement?.closest?.('li.item');
      if (focused && (focused as HTMLElement).dataset['id'] === this.#current) this.#focusCurrent = true;
      this.#current = items[Math.min(this.#currentIndex, items.length - 1)]?.id;
    }
    let body: TemplateResult;
    if (!feed?.loaded) {
      body = feed?.error
        ? html`<p class="empty" part="empty">${this.#host.t('loadFailed', { error: feed.error })} <button type="button" class="text-button" @click=${() => this.#retry()}>${this.#host.t('retry')}</button></p>`
        : html`<p class="empty" part="empty">${this.#host.t('loading')}</p>`;
    } else if (items.length === 0) {
      body = html`<p class="empty" part="empty">${this.#host.t(emptyLabels[this.view])}</p>`;
    } else {
      body = html`<ul class="list" part="list" role="list" @keydown=${this.#onListKey} @click=${this.#onListClick} @focusin=${this.#onFocusIn}>
        ${repeat(items, (item) => item.id, (item) => renderItem(item, ctx, item.id === this.#current))}
      </ul>`;
    }
    const more = feed?.loaded && feed.hasMore
      ? html`<div class="more" part="load-more">
          ${feed.loading ? this.#host.t('loading') : feed.error
            ? html`${this.#host.t('loadFailed', { error: feed.error })} <button type="button" class="text-button" @click=${() => this.#retry()}>${this.#host.t('retry')}</button>`
            : html`<button type="button" class="text-button" @click=${() => this.#retry()}>${this.#host.t('loadMore')}</button>`}
        </div>`
      : nothing;
    return tabbed ? html`<div role="tabpanel" id="tabpanel" part="tabpanel" aria-labelledby="tab-${this.view}">${body}${more}</div>` : html`${body}${more}`;
  }

  #retry(): void {
    void this.#host.activeStore?.loadMore({ view: this.view });
  }

  readonly #onTabKey = (event: KeyboardEvent): void => {
    const index = inboxViews.indexOf(this.view);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: inboxViews.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    this.setView(inboxViews[(next + inboxViews.length) % inboxViews.length]!, true);
  };

  #itemOf(event: Event): { item: InboxItem; element: HTMLElement } | undefined {
    const element = (event.target as Element).closest<HTMLElement>('li.item');
    const id = element?.dataset['id'];
    const store = this.#host.activeStore;
    if (!element || id === undefined || !store) return undefined;
    const item = store.feedSnapshot({ view: this.view }).items.find((i) => i.id === id);
    return item ? { item, element } : undefined;
  }

  readonly #onFocusIn = (event: FocusEvent): void => {
    const found = this.#itemOf(event);
    if (found && found.item.id !== this.#current) {
      this.#current = found.item.id;
      this.#host.requestUpdate();
    }
  };

  readonly #onListKey = (event: KeyboardEvent): void => {
    const found = this.#itemOf(event);
    if (!found) return;
    const onItem = event.target === found.element;
    if ((event.key === 'Enter' || event.key === ' ') && onItem) {
      event.preventDefault();
      void this.open(found.item);
      return;
    }
    const ids = this.#host.activeStore?.feedSnapshot({ view: this.view }).items.map((i) => i.id) ?? [];
    const index = ids.indexOf(found.item.id);
    const next = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: ids.length - 1 }[event.key];
    if (next === undefined || next < 0 || next >= ids.length) return;
    event.preventDefault();
    this.#current = ids[next];
    this.#focusCurrent = true;
    this.#host.requestUpdate();
  };

  readonly #onListClick = (event: MouseEvent): void => {
    const found = this.#itemOf(event);
    const store = this.#host.activeStore;
    if (!found || !store) return;
    const button = (event.target as Element).closest<HTMLElement>('button[data-act]');
    if (button && found.element.contains(button)) {
      itemActions[button.dataset['act'] as ItemAction](store, found.item.id).catch(() => {}); // shown as the notice
      return;
    }
    // An app's renderer may put links and buttons of its own in the item: those do their own thing.
    const control = event.composedPath().find((node) => node instanceof Element && node.matches(interactive));
    if (control && control !== found.element) return;
    void this.open(found.item);
  };

  /**
   * Opens an item: fires `notify-open` (cancelable), marks it read, then (unless the event was cancelled) follows its
   * `url`, once the read is confirmed or after a second at most, so leaving the page does not lose it.
   */
  async open(item: InboxItem): Promise<void> {
    const store = this.#host.activeStore;
    if (!store) return;
    const url = itemUrl(item, { templates: store.getSnapshot().templates, locale: this.#host.locale, messages: this.#host.texts });
    const detail: NotifyOpenDetail = { notification: item.notification, url };
    const proceed = this.#host.dispatchEvent(new CustomEvent('notify-open', { detail, bubbles: true, composed: true, cancelable: true }));
    const read = item.read ? Promise.resolve() : store.markRead(item.id).catch(() => {});
    if (!proceed || url === undefined) return;
    await Promise.race([read, new Promise((resolve) => setTimeout(resolve, readBeforeLeavingMs))]);
    window.location.assign(url);
  }
}
