// The list the page shows (inbox or archived view) and the counters and badges beside it, brought in line with the CenterState.
import type { Notification } from '../src/client/index.js';
import type { CenterState, View } from './center-state.js';
import { humanize, renderNotification, setItemState } from './render.js';
import type { SeenTracker } from './seen-tracker.js';

export interface ListElements {
  list: HTMLUListElement;
  empty: HTMLElement;
  loadMore: HTMLButtonElement;
  markAllRead: HTMLButtonElement;
  typeCounts: HTMLElement;
  tabs: readonly HTMLElement[];
}

function setCount(name: string, value: number | string): void {
  for (const node of document.querySelectorAll<HTMLElement>(`[data-count="${name}"]`)) {
    node.textContent = String(value);
    node.dataset['zero'] = String(value === 0);
  }
}

export class ListView {
  /** The view shown; switch with {@link ListView.show}. */
  view: View = 'inbox';
  readonly #state: CenterState;
  readonly #ui: ListElements;
  readonly #seen: SeenTracker;
  readonly #emptyText: (view: View) => string;
  /** One item per notification held, kept across renders and views (a re-created item would replay its arrival animation). */
  readonly #items = new Map<string, HTMLLIElement>();

  constructor(state: CenterState, ui: ListElements, seen: SeenTracker, emptyText: (view: View) => string) {
    this.#state = state;
    this.#ui = ui;
    this.#seen = seen;
    this.#emptyText = emptyText;
  }

  show(view: View): void {
    this.view = view;
    for (const tab of this.#ui.tabs) tab.setAttribute('aria-selected', String(tab.dataset['view'] === view));
    this.render();
  }

  /** Brings the list in line with the state; `fresh` are notifications that just arrived (highlighted once). */
  render(fresh: readonly Notification[] = []): void {
    const freshIds = new Set(fresh.map((n) => n.id));
    for (const id of this.#items.keys()) {
      if (this.#state.get(id)) continue;
      this.#items.delete(id);
      this.#seen.forget(id);
    }
    const now = Date.now();
    const nodes = this.#state.list(this.view).map((n) => {
      let item = this.#items.get(n.id);
      if (!item) {
        item = renderNotification(n, now);
        if (freshIds.has(n.id)) {
          item.classList.add('fresh');
          item.addEventListener('animationend', () => item?.classList.remove('fresh'), { once: true });
        }
        this.#items.set(n.id, item);
      }
      const seen = this.#state.isSeen(n.id);
      const archived = this.#state.isArchived(n.id);
      setItemState(item, { read: n.read === true, seen, archived });
      // Only the inbox counts unseen notifications: archived ones are never marked seen by being shown.
      if (seen || archived) this.#seen.forget(n.id);
      else this.#seen.watch(n.id, item);
      return item;
    });
    this.#place(nodes);
    this.#ui.empty.hidden = nodes.length > 0;
    if (nodes.length === 0) this.#ui.empty.textContent = this.#emptyText(this.view);
    this.#ui.loadMore.hidden = this.#state.cursors[this.view] === null;
    this.#ui.markAllRead.hidden = this.view !== 'inbox';
    this.renderCounters();
  }

  renderCounters(): void {
    const counters = this.#state.counters();
    setCount('unread', counters.unread);
    setCount('read', counters.read);
    setCount('total', counters.total);
    setCount('server-unread', this.#state.serverUnread ?? '–');
    setCount('server-unseen', this.#state.serverUnseen ?? '–');
    setCount('badge-unread', this.#state.serverUnread ?? '–');
    setCount('badge-unseen', this.#state.serverUnseen ?? '–');
    const rows = Object.entries(counters.byType).map(([type, count]) => {
      const row = document.createElement('div');
      row.className = `type-count type-${type}`;
      const dt = document.createElement('dt');
      dt.textContent = humanize(type);
      const dd = document.createElement('dd');
      dd.dataset['typeCount'] = type;
      dd.textContent = String(count);
      row.append(dt, dd);
      return row;
    });
    this.#ui.typeCounts.replaceChildren(...rows);
  }

  /** Reorders in place: nodes already in position are not moved (a moved node would replay its arrival animation). */
  #place(nodes: readonly HTMLLIElement[]): void {
    const list = this.#ui.list;
    let at = list.firstElementChild;
    for (const node of nodes) {
      if (node === at) at = at.nextElementSibling;
      else list.insertBefore(node, at);
    }
    while (at) {
      const next = at.nextElementSibling;
      // Its arrival highlight ends here: animationend never comes to a detached item, and shown again it is not new.
      at.classList.remove('fresh');
      at.remove();
      at = next;
    }
  }
}
