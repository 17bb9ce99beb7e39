// Turns a notification into DOM: a title, its message, and one "fact" per data field, rendered by field name.
import type { Notification } from '../src/client/index.js';

/** How a fact is coloured: the CSS class is `tone-<tone>`. */
type Tone = 'muted' | 'low' | 'medium' | 'high' | 'info' | 'warning' | 'error' | 'success' | 'accent';

interface Fact {
  text: string;
  tone?: Tone;
}

type FieldRenderer = (value: unknown, now: number) => Fact | undefined;

const toneOf = (value: unknown): Tone | undefined =>
  typeof value === 'string' && ['low', 'medium', 'high', 'info', 'warning', 'error'].includes(value) ? (value as Tone) : undefined;

/**
 * Renderers for the data fields the contract has today, by field name: a new notification type that
 * reuses these names renders the same way, and any other field falls back to "Name: value".
 */
const fieldRenderers: Record<string, FieldRenderer> = {
  title: () => undefined,
  message: () => undefined,
  priority: (v) => ({ text: `Priority: ${String(v)}`, tone: toneOf(v) ?? 'muted' }),
  actionRequired: (v) => (v === true ? { text: 'Action required', tone: 'warning' } : { text: 'No action needed', tone: 'muted' }),
  errorCode: (v) => ({ text: `Error code ${String(v)}`, tone: 'error' }),
  retryAllowed: (v) => (v === true ? { text: 'Retry allowed', tone: 'accent' } : { text: 'No retry', tone: 'muted' }),
  completionTime: (v) => ({ text: `Completed in ${String(v)}`, tone: 'success' }),
  severity: (v) => ({ text: `Severity: ${String(v)}`, tone: toneOf(v) ?? 'muted' }),
  productName: (v) => ({ text: `Product: ${String(v)}`, tone: 'accent' }),
  expiresAt: (v, now) => {
    const at = Date.parse(String(v));
    if (!Number.isFinite(at)) return { text: `Expires ${String(v)}` };
    return { text: `Expires ${formatDateTime(at)} (${relativeTime(at, now)})`, tone: at - now < 86_400_000 ? 'warning' : 'muted' };
  },
  groupName: (v) => ({ text: `Group: ${String(v)}`, tone: 'accent' }),
  inviterUsername: (v) => ({ text: `Invited by ${String(v)}` }),
  acceptedByUsername: (v) => ({ text: `Accepted by ${String(v)}`, tone: 'success' }),
  deniedByUsername: (v) => ({ text: `Declined by ${String(v)}`, tone: 'error' }),
  invitationId: (v) => ({ text: `Invitation ${shortId(v)}`, tone: 'muted' }),
  groupId: (v) => ({ text: `Group id ${shortId(v)}`, tone: 'muted' }),
};

/** `invitation_received` → "Invitation received"; `inviterUsername` → "Inviter username". */
export function humanize(name: string): string {
  const words = name.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function shortId(value: unknown): string {
  const text = String(value);
  return text.length > 12 ? `${text.slice(0, 8)}…` : text;
}

export function formatDateTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "in 23 h", "5 min ago", ... */
export function relativeTime(at: number, now: number): string {
  const diff = at - now;
  const abs = Math.abs(diff);
  const [amount, unit] =
    abs < 60_000 ? [Math.round(abs / 1000), 's'] : abs < 3_600_000 ? [Math.round(abs / 60_000), 'min'] : abs < 172_800_000 ? [Math.round(abs / 3_600_000), 'h'] : [Math.round(abs / 86_400_000), 'd'];
  return diff >= 0 ? `in ${amount} ${unit}` : `${amount} ${unit} ago`;
}

function factsOf(data: Record<string, unknown>, now: number): { field: string; fact: Fact }[] {
  const facts: { field: string; fact: Fact }[] = [];
  for (const [field, value] of Object.entries(data)) {
    const renderer = fieldRenderers[field];
    const fact = renderer ? renderer(value, now) : { text: `${humanize(field)}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}` };
    if (fact) facts.push({ field, fact });
  }
  return facts;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The data's `title`, else its first `…Name` field (product, group), else the type's name. */
function titleOf(type: string, data: Record<string, unknown>): string {
  if (typeof data['title'] === 'string') return data['title'];
  const named = Object.entries(data).find(([field, value]) => /name$/i.test(field) && !/username$/i.test(field) && typeof value === 'string');
  return named ? String(named[1]) : humanize(type);
}

/** The per-notification buttons, by the `data-act` the page dispatches on. */
export type ItemAction = 'read' | 'archive' | 'unarchive' | 'delete';
const actionLabels: Record<ItemAction, string> = { read: 'Mark read', archive: 'Archive', unarchive: 'Unarchive', delete: 'Delete' };

/** A list item for `n` (text only through textContent: notification data is never parsed as HTML). */
export function renderNotification(n: Notification, now = Date.now()): HTMLLIElement {
  const data = n.data as unknown as Record<string, unknown>;
  const item = element('li', `notification type-${n.type}`);
  item.dataset['id'] = n.id;
  item.dataset['type'] = n.type;
  // Focusable so Enter marks it read; not role=button, since it holds buttons of its own.
  item.tabIndex = 0;

  const head = element('div', 'n-head');
  head.append(element('span', 'n-badge', humanize(n.type)));
  head.append(element('span', 'n-title', titleOf(n.type, data)));
  if (n.category !== undefined) head.append(element('span', 'n-category', n.category));
  const time = element('time', 'n-time', formatTime(n.timestamp));
  time.dateTime = new Date(n.timestamp).toISOString();
  head.append(time);
  item.append(head);

  if (typeof data['message'] === 'string' && data['message'] !== '') item.append(element('p', 'n-message', data['message']));

  const facts = factsOf(data, now);
  if (facts.length > 0) {
    const list = element('ul', 'n-facts');
    for (const { field, fact } of facts) {
      const li = element('li', `fact tone-${fact.tone ?? 'plain'}`, fact.text);
      li.dataset['field'] = field;
      list.append(li);
    }
    item.append(list);
  }
  const foot = element('div', 'n-foot');
  foot.append(element('span', 'n-id', `#${n.id}`));
  foot.append(element('span', 'n-state'));
  const actions = element('span', 'n-actions');
  for (const [action, label] of Object.entries(actionLabels)) {
    const button = element('button', `n-act act-${action}`, label);
    button.type = 'button';
    button.dataset['act'] = action;
    actions.append(button);
  }
  foot.append(actions);
  item.append(foot);
  setItemState(item, { read: n.read === true, seen: false, archived: false });
  return item;
}

export interface ItemState {
  read: boolean;
  seen: boolean;
  archived: boolean;
}

/** Reflects a notification's state on an item made by {@link renderNotification}: classes, the state line, and which buttons apply. */
export function setItemState(item: HTMLElement, { read, seen, archived }: ItemState): void {
  item.classList.toggle('read', read);
  item.classList.toggle('unread', !read);
  item.classList.toggle('unseen', !seen);
  item.classList.toggle('archived', archived);
  item.title = read ? 'Read' : 'Click to mark as read';
  const state = item.querySelector('.n-state');
  if (state) state.textContent = [read ? 'Read' : 'Unread', seen ? undefined : 'New', archived ? 'Archived' : undefined].filter(Boolean).join(' · ');
  const show = { read: !read, archive: !archived, unarchive: archived, delete: true } satisfies Record<ItemAction, boolean>;
  for (const button of item.querySelectorAll<HTMLButtonElement>('button[data-act]')) button.hidden = !show[button.dataset['act'] as ItemAction];
}
