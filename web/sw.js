// notify's service worker (notify/sw.js): shows Web Push notifications; a click opens their url and marks them read.
// Register it from the app's origin (`notify serve` serves it at /sw.js). When the notify server lives on another
// origin, register it as `sw.js?server=https://notify.example.com` so the read and renew calls go there.
/* eslint-env serviceworker */
'use strict';

const serverOrigin = new URL(self.location.href).searchParams.get('server') || self.location.origin;

/** POSTs JSON as text/plain: a simple request (no preflight) that may cross origins; the answer is not needed. */
function post(path, body) {
  return fetch(new URL(path, serverOrigin).href, {
    method: 'POST',
    mode: 'no-cors',
    credentials: 'omit',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify(body),
  }).catch(() => undefined);
}

self.addEventListener('push', (event) => {
  let payload = null;
  try {
    payload = event.data ? event.data.json() : null;
  } catch {
    payload = null;
  }
  if (!payload || typeof payload.id !== 'string') return;
  const options = {
    body: typeof payload.body === 'string' ? payload.body : undefined,
    icon: typeof payload.icon === 'string' ? payload.icon : undefined,
    // The notification id: a repeat (a retried push, a second device's copy) replaces it instead of stacking.
    tag: payload.id,
    timestamp: typeof payload.timestamp === 'number' ? payload.timestamp : undefined,
    data: { id: payload.id, type: payload.type, category: payload.category, url: payload.url, readToken: payload.readToken },
  };
  event.waitUntil(self.registration.showNotification(typeof payload.title === 'string' ? payload.title : 'Notification', options));
});

/** Focuses a window already showing `url`, or opens one. */
async function openOrFocus(url) {
  const target = new URL(url || '.', self.registration.scope).href;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => client.url === target);
  if (open) return open.focus();
  return self.clients.openWindow ? self.clients.openWindow(target) : undefined;
}

/** What a click on a shown notification does: close it, mark it read on the server, open or focus its url. */
function clicked(notification) {
  const data = notification.data || {};
  notification.close();
  const work = [openOrFocus(data.url)];
  if (typeof data.readToken === 'string') work.push(post('/api/v1/web-push/read', { token: data.readToken }));
  return Promise.all(work);
}

self.addEventListener('notificationclick', (event) => event.waitUntil(clicked(event.notification)));

// A page may forward a click on one of the shown notifications by its id (an in-app list of them, or a test driving
// the worker): `registration.active.postMessage({ type: 'notify:click', id })`.
self.addEventListener('message', (event) => {
  const message = event.data || {};
  if (message.type !== 'notify:click' || typeof message.id !== 'string') return;
  event.waitUntil(self.registration.getNotifications({ tag: message.id }).then((shown) => Promise.all(shown.map(clicked))));
});

// The browser replaced the subscription: the new one takes the old one's place, proven by the old one's secret.
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(
    (async () => {
      const old = event.oldSubscription;
      if (!old) return; // nothing to prove it by: the page's next enableWebPush() registers the new one
      const key = old.options && old.options.applicationServerKey;
      const fresh = event.newSubscription || (key ? await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }) : null);
      if (!fresh) return;
      const before = old.toJSON();
      await post('/api/v1/web-push/subscriptions/renew', { oldEndpoint: before.endpoint, oldAuth: before.keys && before.keys.auth, subscription: fresh.toJSON() });
    })(),
  );
});

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
