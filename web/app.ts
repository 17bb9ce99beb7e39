// The notification-center page: one NotifyClient over the cookie credential, the stream, counters, mark-read, paging, demo pace.
import { createNotifyClient, type Notification, type NotifyClient } from '../src/client/index.js';
import type { PageConfig } from '../src/http/page-routes.js';
import { CenterState } from './center-state.js';
import { humanize, renderNotification, setReadState } from './render.js';

const pageSize = 20;

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

const config = JSON.parse(byId('notify-page-config').textContent ?? '{}') as PageConfig;
const base = new URL('.', location.href);
const state = new CenterState(config.types);
const items = new Map<string, HTMLLIElement>();

const ui = {
  status: byId('status'),
  statusText: byId('status-text'),
  user: byId('user'),
  endpoint: byId('endpoint'),
  notice: byId('notice'),
  list: byId<HTMLUListElement>('notifications'),
  empty: byId('empty'),
  loadMore: byId<HTMLButtonElement>('load-more'),
  markAllRead: byId<HTMLButtonElement>('mark-all-read'),
  typeCounts: byId('type-counts'),
  demoControls: byId('demo-controls'),
  frequency: byId<HTMLInputElement>('frequency'),
  frequencyValue: byId<HTMLOutputElement>('frequency-value'),
};

let client: NotifyClient | undefined;
let needsSignIn = false;
/** The pace this page asked for; sent again on every new connection (the server's pace is per connection). */
let frequencySec = config.demo?.intervalSec;
let noticeTimer: ReturnType<typeof setTimeout> | undefined;

function showNotice(text: string, kind: 'error' | 'info' = 'error'): void {
  ui.notice.textContent = text;
  ui.notice.dataset['kind'] = kind;
  ui.notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (ui.notice.hidden = true), 8000);
}

function setStatus(stateName: string, text: string): void {
  ui.status.dataset['state'] = stateName;
  ui.statusText.textContent = text;
}

function setCount(name: string, value: number | string): void {
  for (const node of document.querySelectorAll<HTMLElement>(`[data-count="${name}"]`)) node.textContent = String(value);
}

function renderCounters(): void {
  const counters = state.counters();
  setCount('unread', counters.unread);
  setCount('read', counters.read);
  setCount('total', counters.total);
  setCount('server-unread', state.serverUnread ?? '–');
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
  ui.typeCounts.replaceChildren(...rows);
}

/** Brings the list in line with the state; existing items are kept (and moved), new ones rendered. */
function renderList(fresh: readonly Notification[] = []): void {
  const freshIds = new Set(fresh.map((n) => n.id));
  const now = Date.now();
  const nodes = state.list().map((n) => {
    let item = items.get(n.id);
    if (!item) {
      item = renderNotification(n, now);
      if (freshIds.has(n.id)) {
        item.classList.add('fresh');
        item.addEventListener('animationend', () => item?.classList.remove('fresh'), { once: true });
      }
      items.set(n.id, item);
    }
    setReadState(item, n.read === true);
    return item;
  });
  // Reorder in place: nodes already in position are not moved (a moved node would replay its arrival animation).
  let at = ui.list.firstElementChild;
  for (const node of nodes) {
    if (node === at) at = at.nextElementSibling;
    else ui.list.insertBefore(node, at);
  }
  while (at) {
    const next = at.nextElementSibling;
    at.remove();
    at = next;
  }
  ui.empty.hidden = nodes.length > 0;
  if (nodes.length === 0) {
    ui.empty.textContent = config.demo ? `No notifications yet; demo samples arrive every ${(frequencySec ?? config.demo.intervalSec).toFixed(1)} s.` : 'No notifications yet.';
  }
  ui.loadMore.hidden = state.cursor === null;
  renderCounters();
}

function add(notifications: readonly Notification[]): void {
  const added = state.add(notifications);
  renderList(added);
}

async function loadMore(): Promise<void> {
  if (!client || state.cursor === null) return;
  ui.loadMore.disabled = true;
  try {
    const query = state.cursor === undefined ? { limit: pageSize } : { before: state.cursor, limit: pageSize };
    const page = await client.loadMore(query);
    state.cursor = page.data.nextCursor;
    add(page.data.notifications);
  } catch (error) {
    showNotice(`Could not load more: ${(error as Error).message}`);
  } finally {
    ui.loadMore.disabled = false;
  }
}

function markRead(id: string): void {
  const n = state.get(id);
  if (!client || !n || n.read === true) return;
  client.markRead(id).catch((error: unknown) => showNotice(`Could not mark ${id} read: ${(error as Error).message}`));
}

function sendConfigure(): void {
  if (frequencySec === undefined || client?.state !== 'open') return;
  client.configure(frequencySec);
}

async function signIn(): Promise<void> {
  const response = await fetch(new URL('demo/sign-in', base), { method: 'POST', credentials: 'same-origin' });
  if (!response.ok) throw new Error(`sign-in answered ${response.status}`);
}

function startClient(): void {
  const instance = createNotifyClient({
    url: base.toString(),
    // The HttpOnly cookie is the credential; in dev/demo mode a rejected one is renewed first.
    getToken: async () => {
      if (needsSignIn && config.signIn) {
        await signIn();
        needsSignIn = false;
      }
      return null;
    },
    refreshToken: false,
  });
  client = instance;
  instance.on('state', (s) => {
    if (s === 'connecting') setStatus('connecting', 'Connecting…');
    else if (s === 'open') setStatus('open', 'Connected');
    else if (s === 'reconnecting' && ui.status.dataset['state'] !== 'reconnecting') setStatus('reconnecting', 'Reconnecting…');
    else if (s === 'closed') setStatus('closed', 'Disconnected');
  });
  instance.on('disconnect', ({ code, reason, retryInMs }) => {
    if (code === 4001) needsSignIn = true;
    const why = `${code}${reason ? ` ${reason}` : ''}`;
    if (retryInMs !== undefined) setStatus('reconnecting', `Disconnected (${why}); reconnecting in ${(retryInMs / 1000).toFixed(1)} s`);
    else setStatus('closed', `Disconnected (${why})`);
  });
  instance.on('client_error', (error) => {
    if (error.code === 'ERR_ACCESS_DENIED' || error.code === 'ERR_FORBIDDEN') {
      setStatus('closed', config.signIn ? 'Signed out' : 'Not signed in: this page needs the auth_token cookie of your application');
      if (config.signIn) offerSignIn();
    } else {
      showNotice(error.message);
    }
  });
  instance.on('connection_established', ({ data }) => {
    ui.user.textContent = `as ${data.userId}`;
    state.serverUnread = data.unreadCount;
    if (frequencySec !== config.demo?.intervalSec) sendConfigure();
    if (state.cursor === undefined) void loadMore();
    renderCounters();
  });
  instance.on('unread_notifications', ({ data }) => {
    state.serverUnread = data.unreadCount;
    add(data.notifications);
  });
  instance.on('notification', (n) => {
    const added = state.add([n]);
    if (added.length > 0 && n.read !== true && state.serverUnread !== undefined) state.serverUnread++;
    renderList(added);
  });
  instance.on('notification_read', ({ data }) => {
    state.markRead(data.ids);
    state.serverUnread = data.unreadCount;
    renderList();
  });
  instance.on('request_error', ({ data }) => showNotice(`The server could not take ${data.action ?? 'a request'}: ${data.message} (${data.code})`));
  instance.connect().catch(() => {});
}

function offerSignIn(): void {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Sign in as the demo user';
  button.addEventListener('click', () => {
    signIn()
      .then(() => {
        button.remove();
        startClient();
      })
      .catch((error: unknown) => showNotice((error as Error).message));
  });
  ui.status.append(button);
}

function setupDemoControls(): void {
  const demo = config.demo;
  if (!demo) return;
  ui.demoControls.hidden = false;
  ui.frequency.min = String(demo.minSec);
  ui.frequency.max = String(demo.maxSec);
  ui.frequency.value = String(demo.intervalSec);
  byId('frequency-min').textContent = String(demo.minSec);
  byId('frequency-max').textContent = String(demo.maxSec);
  const show = (): void => {
    ui.frequencyValue.textContent = `every ${Number(ui.frequency.value).toFixed(1)} s`;
  };
  show();
  ui.frequency.addEventListener('input', show);
  ui.frequency.addEventListener('change', () => {
    frequencySec = Number(ui.frequency.value);
    sendConfigure();
  });
}

function setupList(): void {
  ui.list.addEventListener('click', (event) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>('li.notification');
    if (item?.dataset['id']) markRead(item.dataset['id']);
  });
  ui.list.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    const item = (event.target as HTMLElement).closest<HTMLElement>('li.notification');
    if (!item?.dataset['id']) return;
    event.preventDefault();
    markRead(item.dataset['id']);
  });
  ui.loadMore.addEventListener('click', () => void loadMore());
  ui.markAllRead.addEventListener('click', () => {
    client?.markAllRead().catch((error: unknown) => showNotice(`Could not mark all read: ${(error as Error).message}`));
  });
}

ui.endpoint.textContent = new URL('api/v1/notifications', base).pathname;
setupDemoControls();
setupList();
renderList();
startClient();
