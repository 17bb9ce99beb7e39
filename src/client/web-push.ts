// Browser-only Web Push for the client: permission, a push subscription with the server's key, its registration.
import type { ConnectionEstablishedMessage, WebPushSubscriptionJson, WebPushSubscriptionMessage } from '../../generated/index.js';
import { NotifyClientError } from './errors.js';

export interface EnableWebPushOptions {
  /**
   * The service worker that shows the pushes: a registration the app made of notify's `sw.js` (or a worker that
   * imports it), or the script's URL to register here (e.g. `'/sw.js'`, which `notify serve` serves).
   */
  serviceWorker: ServiceWorkerRegistration | string;
}

export interface DisableWebPushOptions extends EnableWebPushOptions {
  /** The id `enableWebPush` answered: the server forgets it at once (otherwise at its next push to it, answered 410). */
  subscriptionId?: string;
}

export interface WebPushEnabled {
  /** The id the server keeps the subscription under (for `unregisterWebPush`). */
  subscriptionId: string;
  subscription: PushSubscription;
}

/** What of the client this module uses (kept structural so client.ts and this file do not import each other's values). */
interface WebPushClient {
  connect(): Promise<ConnectionEstablishedMessage>;
  registerWebPush(subscription: WebPushSubscriptionJson): Promise<WebPushSubscriptionMessage>;
  unregisterWebPush(id: string): Promise<WebPushSubscriptionMessage>;
}

function supported(): boolean {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof PushManager !== 'undefined' && typeof Notification !== 'undefined';
}

/** The registration, once it has an active worker (a push subscription needs one). */
async function activeRegistration(serviceWorker: ServiceWorkerRegistration | string): Promise<ServiceWorkerRegistration> {
  const registration = typeof serviceWorker === 'string' ? await navigator.serviceWorker.register(serviceWorker) : serviceWorker;
  if (registration.active) return registration;
  const worker = registration.installing ?? registration.waiting;
  if (!worker) return registration;
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (worker.state === 'activated' || worker.state === 'redundant') {
        worker.removeEventListener('statechange', check);
        resolve();
      }
    };
    worker.addEventListener('statechange', check);
    check();
  });
  return registration;
}

function sameKey(current: ArrayBuffer | null | undefined, wanted: Uint8Array): boolean {
  if (!current) return false;
  const bytes = new Uint8Array(current);
  return bytes.length === wanted.length && bytes.every((b, i) => b === wanted[i]);
}

function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '='));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** See NotifyClient.enableWebPush. */
export async function enableWebPush(client: WebPushClient, options: EnableWebPushOptions): Promise<WebPushEnabled> {
  if (!supported()) throw new NotifyClientError('ERR_WEB_PUSH_UNSUPPORTED', 'this browser has no service workers, Push API or notifications');
  const established = await client.connect();
  const publicKey = established.data.webPushPublicKey;
  if (publicKey === undefined) throw new NotifyClientError('ERR_WEB_PUSH_UNAVAILABLE', 'the server sends no Web Push (it has no VAPID keys)');
  const registration = await activeRegistration(options.serviceWorker);
  const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (permission !== 'granted') throw new NotifyClientError('ERR_WEB_PUSH_DENIED', `notifications are not allowed (${permission})`);
  const key = base64UrlBytes(publicKey);
  let subscription = await registration.pushManager.getSubscription();
  // Made with another server key (keys were rotated): push services would refuse our signature.
  if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  const answer = await client.registerWebPush(subscriptionJson(subscription));
  return { subscriptionId: answer.data.id, subscription };
}

/**
 * See NotifyClient.disableWebPush: tells the server (by the id given, else by registering the browser's subscription
 * again, which answers the id it is kept under), then unsubscribes the browser.
 */
export async function disableWebPush(client: WebPushClient, options: DisableWebPushOptions): Promise<void> {
  if (!supported()) return;
  // Nothing to turn off where the worker was never registered (and turning off must not install it).
  const registration = typeof options.serviceWorker === 'string' ? await registrationOf(options.serviceWorker) : options.serviceWorker;
  const subscription = (await registration?.pushManager.getSubscription()) ?? null;
  const id = options.subscriptionId ?? (subscription && (await client.registerWebPush(subscriptionJson(subscription))).data.id);
  if (id) await client.unregisterWebPush(id);
  await subscription?.unsubscribe();
}

/**
 * Whether this browser gets Web Push from the server: `unsupported` (no service workers, Push API or notifications),
 * `unavailable` (the server has no VAPID keys), `denied` (the user blocked notifications), `on` (subscribed with the
 * server's key through that worker, permission granted) or `off`. Asks nothing of the user.
 */
export type WebPushStatus = 'unsupported' | 'unavailable' | 'denied' | 'on' | 'off';

/** See NotifyClient.webPushStatus. */
export async function webPushStatus(client: WebPushClient, options: EnableWebPushOptions): Promise<WebPushStatus> {
  if (!supported()) return 'unsupported';
  const publicKey = (await client.connect()).data.webPushPublicKey;
  if (publicKey === undefined) return 'unavailable';
  if (Notification.permission === 'denied') return 'denied';
  const registration = typeof options.serviceWorker === 'string' ? await registrationOf(options.serviceWorker) : options.serviceWorker;
  const subscription = await registration?.pushManager.getSubscription();
  return Notification.permission === 'granted' && sameKey(subscription?.options.applicationServerKey, base64UrlBytes(publicKey)) ? 'on' : 'off';
}

/** The subscription as the contract takes it: `toJSON()` is typed loosely by the DOM library (keys optional). */
const subscriptionJson = (subscription: PushSubscription): WebPushSubscriptionJson => subscription.toJSON() as unknown as WebPushSubscriptionJson;

/** The page's registration running the worker script at `url`, without registering it. */
async function registrationOf(url: string): Promise<ServiceWorkerRegistration | undefined> {
  const script = new URL(url, location.href).href;
  const registrations = await navigator.serviceWorker.getRegistrations();
  return registrations.find((r) => (r.active ?? r.waiting ?? r.installing)?.scriptURL === script);
}
