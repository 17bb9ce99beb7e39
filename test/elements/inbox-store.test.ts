// The inbox model (InboxStore) in Node, its client on `ws`, against a real in-process server: lists per view and their paging,
// counts of live and replayed notifications, state frames from another device, preferences, the reset after a reconnect.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { NotifyClient } from '../../src/client/index.js';
import { InboxStore } from '../../src/elements/model/inbox-store.js';
import { builtInCatalog } from '../../src/catalog/catalog.js';
import { connect } from '../support/ws-client.js';
import { startServer, type TestServer } from '../support/server.js';

let server: TestServer;
const stores: InboxStore[] = [];
let users = 0;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server.close();
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

const info = (title: string) => ({ title, message: `about ${title}`, priority: 'low' });

/** Polls `check` until it holds (the model follows frames asynchronously). */
async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function openStore(user: string, pageSize = 5): Promise<InboxStore> {
  const token = await server.mintUserToken(user);
  const client = new NotifyClient({ url: server.url, WebSocket, getToken: () => token, refreshToken: false, backoff: { baseMs: 20, capMs: 100 } });
  const store = new InboxStore({ client, server: server.url, pageSize });
  stores.push(store);
  store.start();
  await until(() => store.getSnapshot().state === 'open' && store.getSnapshot().templates !== undefined, 'the connection and the templates');
  return store;
}

const ids = (items: readonly { id: string }[]) => items.map((i) => i.id);

describe('InboxStore', () => {
  it('pages a view with load_more until none is left, newest first; each view lists only its own', async () => {
    const user = `pager-${++users}`;
    const pushed: string[] = [];
    for (let i = 1; i <= 12; i++) pushed.push((await server.push(user, 'info', info(`n${i}`))).id);
    const store = await openStore(user);
    expect(store.getSnapshot().templates).toEqual(builtInCatalog.displayTemplates);
    const stop = store.watchFeed({ view: 'all' });
    await until(() => store.feedSnapshot({ view: 'all' }).loaded, 'the first page');
    expect(ids(store.feedSnapshot({ view: 'all' }).items)).toEqual(pushed.slice(7).reverse());
    expect(store.feedSnapshot({ view: 'all' }).hasMore).toBe(true);
    while (store.feedSnapshot({ view: 'all' }).hasMore) await store.loadMore({ view: 'all' });
    expect(ids(store.feedSnapshot({ view: 'all' }).items)).toEqual([...pushed].reverse());
    // Snapshots are immutable and stable between changes (useSyncExternalStore relies on it).
    expect(store.feedSnapshot({ view: 'all' })).toBe(store.feedSnapshot({ view: 'all' }));
    expect(store.getSnapshot()).toBe(store.getSnapshot());
    // Not loaded yet: an empty, unloaded list (nothing from other lists leaks in before its first page).
    expect(store.feedSnapshot({ view: 'unread', type: 'info' })).toMatchObject({ loaded: false, items: [] });
    await store.markRead(pushed[11]!);
    await store.archive(pushed[10]!);
    await store.loadMore({ view: 'unread' });
    await store.loadMore({ view: 'archived' });
    await until(() => store.feedSnapshot({ view: 'archived' }).items.length === 1, 'the archived one');
    expect(ids(store.feedSnapshot({ view: 'archived' }).items)).toEqual([pushed[10]]);
    expect(ids(store.feedSnapshot({ view: 'unread' }).items)).toEqual(pushed.slice(5, 10).reverse());
    expect(ids(store.feedSnapshot({ view: 'all' }).items)).not.toContain(pushed[10]);
    expect(store.getSnapshot().unreadCount).toBe(10);
    stop();
  });

  it('counts live notifications once, announces them, and follows what another device changes', async () => {
    const user = `live-${++users}`;
    const store = await openStore(user);
    store.watchFeed({ view: 'all' });
    await until(() => store.feedSnapshot({ view: 'all' }).loaded, 'the (empty) first page');
    const announced: string[] = [];
    store.onLive((notifications) => announced.push(...notifications.map((n) => n.id)));
    const a = await server.push(user, 'info', info('a'));
    const b = await server.push(user, 'warning', { title: 'b', message: 'b', actionRequired: false });
    await until(() => store.feedSnapshot({ view: 'all' }).items.length === 2, 'both live');
    expect(store.getSnapshot()).toMatchObject({ unreadCount: 2, unseenCount: 2 });
    expect(announced).toEqual([a.id, b.id]);
    // Another device of the user reads one and deletes the other: one frame each, with the counts.
    const other = await connect(server.wsUrl, { token: await server.mintUserToken(user) });
    await other.nextOfType('connection_established');
    const before = store.getSnapshot().items;
    other.send({ action: 'mark_read', id: a.id });
    await until(() => store.feedSnapshot({ view: 'all' }).items.find((i) => i.id === a.id)?.read === true, 'the read from elsewhere');
    // Only the changed item is a new object: the unchanged one is the same, so a renderer can skip it.
    const after = store.getSnapshot().items;
    expect(after.find((i) => i.id === b.id)).toBe(before.find((i) => i.id === b.id));
    expect(after.find((i) => i.id === a.id)).not.toBe(before.find((i) => i.id === a.id));
    other.send({ action: 'delete', ids: [b.id] });
    await until(() => store.feedSnapshot({ view: 'all' }).items.length === 1, 'the delete from elsewhere');
    expect(store.getSnapshot()).toMatchObject({ unreadCount: 0, unseenCount: 0 });
    await other.close();
  });

  it('holds a preference switch pending with the value asked for, then shows what the server answered', async () => {
    const user = `prefs-${++users}`;
    const store = await openStore(user);
    await until(() => store.getSnapshot().preferences !== undefined, 'the preferences');
    expect(store.getSnapshot().preferences?.categories['system']).toBe(true);
    const change = store.setPreference('categories', 'system', false);
    expect(store.getSnapshot().pendingPreferences).toEqual({ 'categories:system': false });
    await change;
    expect(store.getSnapshot().pendingPreferences).toEqual({});
    expect(store.getSnapshot().preferences?.categories['system']).toBe(false);
    // An unknown name is refused: the notice says so, nothing changes.
    await expect(store.setPreference('types', 'no_such_type', false)).rejects.toThrow(/invalid_message/);
    expect(store.getSnapshot().notice).toMatchObject({ action: 'preferences', error: expect.stringContaining('no_such_type') });
    expect(store.getSnapshot().preferences?.types['no_such_type']).toBeUndefined();
  });

  it('starts over after a reconnect: what changed meanwhile shows, replayed notifications are not counted twice', async () => {
    const user = `reset-${++users}`;
    const a = await server.push(user, 'info', info('a'));
    const b = await server.push(user, 'info', info('b'));
    const store = await openStore(user);
    store.watchFeed({ view: 'all' });
    await until(() => store.feedSnapshot({ view: 'all' }).items.length === 2, 'the first page');
    await server.server.context.store.changeState(user, [a.id], 'archive');
    const dropped = new Promise((resolve) => store.client.once('disconnect', resolve));
    for (const connection of server.server.context.hub.connectionsOf(user)) connection.close(1011, 'Test drop');
    await dropped;
    const c = await server.push(user, 'info', info('c'));
    await until(() => store.getSnapshot().state === 'open' && ids(store.feedSnapshot({ view: 'all' }).items).join() === [c.id, b.id].join(), 'the reload');
    // b and c are unread (a is archived): c came as a replayed notification and as part of the counts, once.
    await until(() => store.getSnapshot().unreadCount === 2, 'the counts after the resume');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.getSnapshot().unreadCount).toBe(2);
  });

  it('retain / release: starts once, closes shortly after the last holder let go, survives a release-retain in a row', async () => {
    const user = `retain-${++users}`;
    const token = await server.mintUserToken(user);
    const store = new InboxStore({ client: new NotifyClient({ url: server.url, WebSocket, getToken: () => token }), server: server.url });
    stores.push(store);
    const first = store.retain();
    first();
    const second = store.retain(); // as React's StrictMode does: unmount and mount again at once
    await until(() => store.getSnapshot().state === 'open', 'the connection');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.closed).toBe(false);
    second();
    await until(() => store.closed, 'the close');
    expect(store.client.state).toBe('closed');
  });
});
