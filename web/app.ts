// The notification-center page: one NotifyClient over the cookie credential, the stream, badges, read / seen / archive / delete, the archived view, paging, demo pace.
import { createNotifyClient, type NotifyClient } from '../src/client/index.js';
import type { PageConfig } from '../src/http/page-routes.js';
import { CenterState, type View } from './center-state.js';
import { ListView } from './list-view.js';
import { PreferencesPanel } from './preferences-panel.js';
import { humanize, type ItemAction } from './render.js';
import { SeenTracker } from './seen-tracker.js';

const pageSize = 20;

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

const config = JSON.parse(byId('notify-page-config').textContent ?? '{}') as PageConfig;
const base = new URL('.', location.href);
const state = new CenterState(config.types);

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
  tabs: [byId('view-inbox'), byId('view-archived')],
  bell: byId<HTMLButtonElement>('bell'),
  preferences: byId('preferences'),
  demoControls: byId('demo-controls'),
  frequency: byId<HTMLInputElement>('frequency'),
  frequencyValue: byId<HTMLOutputElement>('frequency-value'),
};

let client: NotifyClient | undefined;
/** Connections established so far: from the second on, the page reloads what it shows. */
let connections = 0;
/** Notifications up to this id are in the counts of the last connection_established (a resume replays them). */
let countedUpTo: string | undefined;
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

const seen = new SeenTracker((ids) => {
  if (!client) return Promise.reject(new Error('not connected'));
  return client.markSeen(ids);
});
const listView = new ListView(state, ui, seen, (view) => {
  if (view === 'archived') return 'Nothing archived.';
  return config.demo ? `No notifications yet; demo samples arrive every ${(frequencySec ?? config.demo.intervalSec).toFixed(1)} s.` : 'No notifications yet.';
});

const preferences = new PreferencesPanel(
  ui.preferences,
  (group, name, on) => {
    if (!client) return Promise.reject(new Error('not connected'));
    return client.setPreferences({ [group]: { [name]: on } }).catch((error: unknown) => {
      showNotice(`Could not turn ${humanize(name)} ${on ? 'on' : 'off'}: ${(error as Error).message}`);
      throw error;
    });
  },
  { types: config.types, label: (_group, name) => humanize(name) },
);

function setServerCounts(counts: { unreadCount: number; unseenCount?: number }): void {
  state.serverUnread = counts.unreadCount;
  if (counts.unseenCount !== undefined) state.serverUnseen = counts.unseenCount;
}

/** Loads the next older page of a view: the inbox leaves archived notifications out, the archived view lists only them. */
async function loadMore(view: View): Promise<void> {
  const cursor = state.cursors[view];
  if (!client || cursor === null) return;
  ui.loadMore.disabled = true;
  try {
    const page = await client.loadMore({ limit: pageSize, ...(cursor === undefined ? {} : { before: cursor }), ...(view === 'archived' ? { archived: true } : {}) });
    state.cursors[view] = page.data.nextCursor;
    const added = state.add(page.data.notifications, { unseenIds: page.data.unseenIds, archived: view === 'archived' });
    listView.render(added);
  } catch (error) {
    showNotice(`Could not load more: ${(error as Error).message}`);
  } finally {
    ui.loadMore.disabled = false;
  }
}

function showView(view: View): void {
  listView.show(view);
  if (state.cursors[view] === undefined) void loadMore(view);
}

/** The request behind each notification button; the frames every device gets (this one too) update the page. */
const itemRequests: Record<ItemAction, (c: NotifyClient, id: string) => Promise<unknown>> = {
  read: (c, id) => c.markRead(id),
  archive: (c, id) => c.archive([id]),
  unarchive: (c, id) => c.unarchive([id]),
  delete: (c, id) => c.delete([id]),
};

/** Sends what a notification's button (or a click on it: `read`) asks. */
function act(action: ItemAction, id: string): void {
  const n = state.get(id);
  if (!client || !n || (action === 'read' && n.read === true)) return;
  itemRequests[action](client, id).catch((error: unknown) => showNotice(`Could not ${action} ${id}: ${(error as Error).message}`));
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
    setServerCounts(data);
    countedUpTo = data.resumeFrom;
    // Seen / read / archive / delete made elsewhere while this page was away are not replayed: start over from the server.
    if (connections++ > 0) {
      state.reset();
      listView.render();
    }
    if (frequencySec !== config.demo?.intervalSec) sendConfigure();
    if (state.cursors[listView.view] === undefined) void loadMore(listView.view);
    // What failed to go out as seen while disconnected goes now.
    seen.recheck();
    // Asked on every connection: a change made while this page was away reaches it no other way.
    instance.getPreferences().catch((error: unknown) => showNotice(`Could not load the preferences: ${(error as Error).message}`));
    listView.renderCounters();
  });
  instance.on('unread_notifications', ({ data }) => {
    setServerCounts(data);
    listView.render(state.add(data.notifications, { unseenIds: data.unseenIds }));
  });
  instance.on('notification', (n) => {
    const added = state.add([n]);
    // A new notification is unread and unseen until a state frame says otherwise (it carries the server's counts);
    // one a resume replays is already in the counts connection_established gave.
    if (added.length > 0 && n.read !== true && (countedUpTo === undefined || n.id > countedUpTo)) {
      if (state.serverUnread !== undefined) state.serverUnread++;
      if (state.serverUnseen !== undefined) state.serverUnseen++;
    }
    listView.render(added);
  });
  instance.on('notification_read', ({ data }) => {
    state.markRead(data.ids);
    setServerCounts(data);
    listView.render();
  });
  instance.on('notification_state', ({ data }) => {
    state.applyState(data.ids, data.state);
    setServerCounts(data);
    listView.render();
  });
  instance.on('preferences', ({ data }) => preferences.show(data));
  // Expired, or retracted by the backend: gone for the user on every device.
  instance.on('notifications_removed', ({ data }) => {
    for (const id of data.ids) state.remove(id);
    setServerCounts(data);
    listView.render();
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
    const target = event.target as HTMLElement;
    const item = target.closest<HTMLElement>('li.notification');
    const id = item?.dataset['id'];
    if (!id) return;
    const button = target.closest<HTMLElement>('button[data-act]');
    act(button ? (button.dataset['act'] as ItemAction) : 'read', id);
  });
  ui.list.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    const target = event.target as HTMLElement;
    // Buttons inside an item handle their own keys (as clicks).
    if (target.closest('button')) return;
    const item = target.closest<HTMLElement>('li.notification');
    if (!item?.dataset['id']) return;
    event.preventDefault();
    act('read', item.dataset['id']);
  });
  for (const tab of ui.tabs) tab.addEventListener('click', () => showView(tab.dataset['view'] as View));
  ui.bell.addEventListener('click', () => {
    showView('inbox');
    ui.list.scrollIntoView({ block: 'start' });
  });
  ui.loadMore.addEventListener('click', () => void loadMore(listView.view));
  ui.markAllRead.addEventListener('click', () => {
    client?.markAllRead().catch((error: unknown) => showNotice(`Could not mark all read: ${(error as Error).message}`));
  });
}

ui.endpoint.textContent = new URL('api/v1/notifications', base).pathname;
setupDemoControls();
setupList();
listView.render();
startClient();
