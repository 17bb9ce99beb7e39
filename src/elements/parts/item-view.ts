// One notification in a list: unread dot, its content (an app's renderer or its display template), time, category, actions.
import { html, nothing, type TemplateResult } from 'lit';
import type { BuiltInCatalog, CatalogShape } from '../../client/catalog-types.js';
import type { DisplayTemplates } from '../../client/display.js';
import { humanize, type NotifyMessages } from '../messages.js';
import type { InboxItem } from '../model/inbox-store.js';
import { absoluteTime, relativeTime } from '../relative-time.js';
import { displayContent } from './display-content.js';
import { archiveIcon, checkIcon, deleteIcon, unarchiveIcon } from './icons.js';

/**
 * Renders an item's content for one notification type: anything Lit renders (a string, which stays text, a DOM node,
 * a `html` template). The element keeps the rest of the item: unread dot, time, category and actions.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each renderer takes its own type's notification
export type ItemRenderer<N = any> = (notification: N, item: InboxItem<N>) => unknown;

/** Renderers by notification type, as the elements take them. */
export type ElementRenderers = Readonly<Record<string, ItemRenderer | undefined>>;

/** Renderers by notification type of catalog `C`, each typed by its type's notification (any subset of the types). */
export type InboxRenderers<C extends CatalogShape = BuiltInCatalog> = { readonly [K in keyof C['notifications']]?: ItemRenderer<C['notifications'][K]> };

/** The per-item buttons, by the `data-act` the list dispatches on. */
export type ItemAction = 'markRead' | 'archive' | 'unarchive' | 'delete';

export interface ItemContext {
  locale: string;
  messages: NotifyMessages;
  templates: DisplayTemplates | undefined;
  renderers: ElementRenderers | undefined;
  now: number;
  t(key: keyof NotifyMessages, fields?: Record<string, string | number>): string;
}

/** The name of the light-DOM slot an item's content is taken from when its renderer is {@link slotRenderer}. */
export function itemSlotName(id: string): string {
  return `item-${id}`;
}

/** A renderer that shows the host's child with `slot="item-<id>"` as the item's content (how the React `<Inbox>` renders). */
export const slotRenderer: ItemRenderer = (notification: { id: string }) => html`<slot name=${itemSlotName(notification.id)}></slot>`;

const actionIcons: Record<ItemAction, unknown> = { markRead: checkIcon, archive: archiveIcon, unarchive: unarchiveIcon, delete: deleteIcon };

function actionButton(action: ItemAction, ctx: ItemContext, focusable: boolean): TemplateResult {
  const label = ctx.t(action);
  return html`<button type="button" class="icon-button" part="item-action item-action-${action}" data-act=${action} tabindex=${focusable ? 0 : -1} aria-label=${label} title=${label}>
    ${actionIcons[action]}
  </button>`;
}

/** The default content: the display template's title and body, text only. */
function templateContent(item: InboxItem, ctx: ItemContext): TemplateResult {
  const n = item.notification as { type: string; data?: unknown };
  const shown = displayContent(ctx.templates, n, ctx.locale, ctx.messages);
  return html`<span class="title" part="item-title" lang=${shown.lang ?? nothing}>${item.read ? nothing : html`<span class="sr-only">${ctx.messages.unreadItem}: </span>`}${shown.title}</span>
    ${shown.body ? html`<span class="body" part="item-body" lang=${shown.lang ?? nothing}>${shown.body}</span>` : nothing}`;
}

/** Where an item leads when opened: its template's `url` (already checked: http(s) or relative), if any. */
export function itemUrl(item: InboxItem, ctx: Pick<ItemContext, 'templates' | 'locale' | 'messages'>): string | undefined {
  return displayContent(ctx.templates, item.notification as { type: string; data?: unknown }, ctx.locale, ctx.messages).url;
}

/**
 * An item: `data-id`, `data-read`, `data-seen`, `data-type` for styling and tests; focusable (`current` is the one
 * item in the tab order, the list moves it with the arrow keys); click or Enter opens it.
 */
export function renderItem(item: InboxItem, ctx: ItemContext, current: boolean): TemplateResult {
  const n = item.notification as { id: string; type: string; timestamp: number; category?: string };
  const renderer = ctx.renderers?.[n.type];
  const state = item.read ? 'item item-read' : 'item item-unread';
  const category = n.category === undefined ? undefined : (ctx.messages.categoryLabels[n.category] ?? humanize(n.category));
  return html`<li
    class="item"
    part=${state}
    data-id=${n.id}
    data-type=${n.type}
    data-read=${String(item.read)}
    data-seen=${String(item.seen)}
    tabindex=${current ? 0 : -1}
  >
    <span class="dot" part="item-dot" aria-hidden="true"></span>
    <div class="content" part="item-content">
      ${renderer ? renderer(item.notification, item) : templateContent(item, ctx)}
      <span class="meta" part="item-meta"
        ><time part="item-time" datetime=${new Date(n.timestamp).toISOString()} title=${absoluteTime(n.timestamp, ctx.locale)}>${relativeTime(n.timestamp, ctx.now, ctx.locale)}</time
        >${category === undefined ? nothing : html` · <span part="item-category">${category}</span>`}</span
      >
    </div>
    <div class="actions" part="item-actions">
      ${item.read ? nothing : actionButton('markRead', ctx, current)} ${actionButton(item.archived ? 'unarchive' : 'archive', ctx, current)}
      ${actionButton('delete', ctx, current)}
    </div>
  </li>`;
}
