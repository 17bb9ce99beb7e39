// NotifyClient: one logical connection to a notify server, kept alive across drops, resumed without gaps.
import type {
  ClientMessage,
  ConnectionEstablishedMessage,
  LoadMoreAction,
  NotificationReadMessage,
  NotificationStateMessage,
  NotificationsPageMessage,
  PongMessage,
  PreferencesMessage,
  ServerMessage,
  SetPreferencesAction,
  WebPushSubscriptionJson,
  WebPushSubscriptionMessage,
} from '../../generated/index.js';
import type { BuiltInCatalog, CatalogFrame, CatalogShape } from './catalog-types.js';
import { backoffDelayMs, restartDelayMs } from './backoff.js';
import { closeAdvice } from './close-codes.js';
import { TypedEmitter } from './emitter.js';
import { webSocketEndpoint } from './endpoint.js';
import { NotifyClientError } from './errors.js';
import { PendingRequests, type AnswerByRequest, type RequestKind } from './pending-requests.js';
import { RecentIds } from './recent-ids.js';
import { TokenRefresher } from './token-refresher.js';
import { disableWebPush, enableWebPush, webPushStatus, type DisableWebPushOptions, type EnableWebPushOptions, type WebPushEnabled, type WebPushStatus } from './web-push.js';
import { OPEN, type CloseEventLike, type MessageEventLike, type WebSocketConstructor, type WebSocketLike } from './websocket-like.js';
import { Timers, type Timer } from './timers.js';
import type { ConnectionState, NotifyClientEvents, NotifyClientOptions } from './client-options.js';

export type { ConnectionState, DisconnectInfo, NotifyClientEvents, NotifyClientOptions } from './client-options.js';
export type { DisableWebPushOptions, EnableWebPushOptions, WebPushEnabled, WebPushStatus } from './web-push.js';

/**
 * A notify WebSocket client for browsers and Node. Nothing happens until {@link NotifyClient.connect};
 * after that it reconnects by itself (backoff with full jitter), resumes with `since` = the last
 * notification it delivered, and drops notifications it already delivered. {@link NotifyClient.close} stops for good.
 */
export class NotifyClient<C extends CatalogShape = BuiltInCatalog> extends TypedEmitter<NotifyClientEvents<C>> {
  readonly #options: NotifyClientOptions;
  readonly #endpoint: string;
  readonly #WebSocket: WebSocketConstructor;
  readonly #recent: RecentIds;
  readonly #pending: PendingRequests;
  #state: ConnectionState = 'idle';
  #socket: WebSocketLike | undefined;
  #lastId: string | undefined;
  #attempt = 0;
  #authFailures = 0;
  #established: ConnectionEstablishedMessage | undefined;
  #waiters: { resolve: (m: ConnectionEstablishedMessage) => void; reject: (e: NotifyClientError) => void }[] = [];
  readonly #timers = new Timers();
  #connectTimer: Timer | undefined;
  readonly #refresher: TokenRefresher;
  #closing: Promise<void> | undefined;

  constructor(options: NotifyClientOptions) {
    super();
    if (options.getToken !== undefined && typeof options.getToken !== 'function') throw new TypeError('options.getToken must be a function returning the JWT');
    const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) throw new TypeError('no WebSocket implementation: pass { WebSocket } from the "ws" package in Node');
    this.#options = options;
    this.#endpoint = webSocketEndpoint(options.url);
    this.#WebSocket = Ctor;
    this.#recent = new RecentIds(options.dedupeCapacity ?? 1000);
    this.#pending = new PendingRequests(options.requestTimeoutMs ?? 10_000);
    this.#lastId = options.since;
    this.#refresher = new TokenRefresher(
      {
        after: (ms, run) => void this.#timers.after(ms, run),
        token: () => this.#token(),
        openConnection: () => (this.#state === 'open' ? this.#socket : undefined),
        send: (token) => this.#request('refresh_token', { action: 'refresh_token', token }),
        fail: (error) => this.#fire('client_error', error),
      },
      options.refreshToken !== false,
    );
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /**
   * The `since` of the next connection: the last notification delivered, or the server's `resumeFrom` when a
   * connection started without resuming (so it is set after the first connection, even when nothing was unread).
   */
  get lastNotificationId(): string | undefined {
    return this.#lastId;
  }

  /** Starts connecting (once); resolves at the next `connection_established`, rejects if the client stops first. */
  connect(): Promise<ConnectionEstablishedMessage> {
    if (this.#state === 'closed') return Promise.reject(new NotifyClientError('ERR_CLIENT_CLOSED', 'the client is closed'));
    if (this.#state === 'open' && this.#established) return Promise.resolve(this.#established);
    const opened = new Promise<ConnectionEstablishedMessage>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#state === 'idle') void this.#open();
    return opened;
  }

  /** Sends a ping; resolves with the `pong`. */
  ping(): Promise<PongMessage> {
    return this.#request('ping', { action: 'ping' });
  }

  /**
   * Marks one notification read (also seen), or several (1–100 ids); resolves with the `notification_read`
   * every device of the user gets (its counts are those after the change).
   */
  markRead(ids: string | readonly string[]): Promise<NotificationReadMessage> {
    if (typeof ids === 'string') return this.#request('mark_read', { action: 'mark_read', id: ids }, ids);
    return this.#request('mark_read', { action: 'mark_read', ids: [...ids] }, ids[0]);
  }

  /** Marks notifications (1–100 ids, or 'all') seen; resolves with the `notification_state` (state `seen`). */
  markSeen(ids: readonly string[] | 'all'): Promise<NotificationStateMessage> {
    return this.#request('mark_seen', { action: 'mark_seen', ...target(ids) });
  }

  /** Archives notifications (1–100 ids, or 'all'): out of the counts and default pages; resolves with `notification_state`. */
  archive(ids: readonly string[] | 'all'): Promise<NotificationStateMessage> {
    return this.#request('archive', { action: 'archive', ...target(ids) });
  }

  /** Brings archived notifications back; resolves with `notification_state` (state `unarchived`). */
  unarchive(ids: readonly string[] | 'all'): Promise<NotificationStateMessage> {
    return this.#request('unarchive', { action: 'unarchive', ...target(ids) });
  }

  /** Deletes notifications for this user, for good; resolves with `notification_state` (state `deleted`). */
  delete(ids: readonly string[] | 'all'): Promise<NotificationStateMessage> {
    return this.#request('delete', { action: 'delete', ...target(ids) });
  }

  /** Marks every notification read; resolves with the `notification_read`. */
  markAllRead(): Promise<NotificationReadMessage> {
    return this.#request('mark_all_read', { action: 'mark_all_read' });
  }

  /**
   * Asks for an older page (`before` = the previous page's `nextCursor`; `limit` 1–100), optionally filtered
   * (`unread`, `archived`: only archived ones, `category`, `type`); resolves with the page.
   */
  loadMore(query: Omit<LoadMoreAction, 'action'> = {}): Promise<CatalogFrame<NotificationsPageMessage, C>> {
    // Absent fields stay absent (the contract's objects are closed; undefined would serialize away anyway).
    const message: LoadMoreAction = { action: 'load_more', ...Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) };
    return this.#request('load_more', message) as Promise<CatalogFrame<NotificationsPageMessage, C>>;
  }

  /** The user's preferences: every category and notification type of the catalog, `true` (on) or `false` (off). */
  getPreferences(): Promise<PreferencesMessage> {
    return this.#request('get_preferences', { action: 'get_preferences' });
  }

  /**
   * Turns categories or notification types on (`true`) or off (`false`); only the names given change. Every
   * device of the user gets the `preferences` event; resolves with it. Unknown names reject (nothing changes).
   */
  setPreferences(change: Omit<SetPreferencesAction, 'action'>): Promise<PreferencesMessage> {
    const message: SetPreferencesAction = { action: 'set_preferences' };
    if (change.categories !== undefined) message.categories = change.categories;
    if (change.types !== undefined) message.types = change.types;
    if (change.channels !== undefined) message.channels = change.channels;
    return this.#request('set_preferences', message);
  }

  /** The server's VAPID public key (from the last `connection_established`), or undefined when it sends no Web Push. */
  get webPushPublicKey(): string | undefined {
    return this.#established?.data.webPushPublicKey;
  }

  /**
   * Keeps a browser's push subscription (`PushSubscription.toJSON()`) for this user; resolves with its id. Most apps
   * call {@link enableWebPush} instead, which subscribes the browser first.
   */
  registerWebPush(subscription: WebPushSubscriptionJson): Promise<WebPushSubscriptionMessage> {
    return this.#request('register_web_push', { action: 'register_web_push', subscription });
  }

  /** Forgets one of this user's push subscriptions by the id `registerWebPush` answered. */
  unregisterWebPush(id: string): Promise<WebPushSubscriptionMessage> {
    return this.#request('unregister_web_push', { action: 'unregister_web_push', id });
  }

  /**
   * Browser only. Turns Web Push on for this browser: asks the user's permission, subscribes with the server's key
   * through `serviceWorker` (notify/sw.js registered by the app, or its URL to register) and registers the
   * subscription for this user. Calling it again (say on each page load) keeps the registration current. Rejects
   * with ERR_WEB_PUSH_UNSUPPORTED, ERR_WEB_PUSH_UNAVAILABLE or ERR_WEB_PUSH_DENIED. See docs/web-push.md.
   */
  enableWebPush(options: EnableWebPushOptions): Promise<WebPushEnabled> {
    return enableWebPush(this, options);
  }

  /** Browser only. Turns Web Push off for this browser: the server forgets its registration, then it is unsubscribed. */
  disableWebPush(options: DisableWebPushOptions): Promise<void> {
    return disableWebPush(this, options);
  }

  /** Whether this browser gets Web Push from the server through `serviceWorker`; asks nothing of the user (see WebPushStatus). */
  webPushStatus(options: EnableWebPushOptions): Promise<WebPushStatus> {
    return webPushStatus(this, options);
  }

  /**
   * Demo mode only: asks for a sample notification every `frequencySec` seconds (1–30) on this connection.
   * Nothing answers on success; a server outside demo mode answers with a `request_error` event.
   */
  configure(frequencySec: number): void {
    const socket = this.#socket;
    if (!socket || socket.readyState !== OPEN || this.#state !== 'open') {
      throw new NotifyClientError('ERR_NOT_CONNECTED', `cannot send configure: not connected (state ${this.#state})`);
    }
    socket.send(JSON.stringify({ action: 'configure', frequency: frequencySec } satisfies ClientMessage));
  }

  /** Stops for good: closes the socket (1000), cancels timers, rejects pending requests. Resolves once closed (at most 1 s). */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    const stopped = new NotifyClientError('ERR_CLIENT_CLOSED', 'the client was closed');
    const socket = this.#stop(stopped);
    this.#closing = new Promise<void>((resolve) => {
      if (!socket) return resolve();
      const done = setTimeout(() => {
        // A peer that never answers the close frame: `ws` sockets can be cut at once, browsers' cannot.
        (socket as { terminate?: () => void }).terminate?.();
        resolve();
      }, 1000);
      socket.onclose = () => {
        clearTimeout(done);
        resolve();
      };
      socket.close(1000, 'Client closed');
    });
    return this.#closing;
  }

  /** The provider's token; null when there is no provider or it answers null (cookie credential). */
  async #token(): Promise<string | null> {
    const token = (await this.#options.getToken?.()) ?? null;
    if (token !== null && (typeof token !== 'string' || token === '')) throw new TypeError('getToken() must return a non-empty string or null');
    return token;
  }

  async #open(): Promise<void> {
    this.#setState(this.#state === 'idle' ? 'connecting' : 'reconnecting');
    let token: string | null;
    try {
      token = await this.#token();
    } catch (error) {
      if (this.#state === 'closed') return;
      this.#fire('client_error', new NotifyClientError('ERR_TOKEN_PROVIDER', `the token provider failed: ${(error as Error).message}`, { cause: error }));
      this.#scheduleReconnect(this.#nextDelay());
      return;
    }
    if (this.#state === 'closed') return;
    const url = new URL(this.#endpoint);
    if (token !== null) url.searchParams.set('token', token);
    if (this.#lastId !== undefined) url.searchParams.set('since', this.#lastId);
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(url.toString());
    } catch (error) {
      this.#fire('client_error', new NotifyClientError('ERR_CONNECTION_CLOSED', `could not open a WebSocket: ${(error as Error).message}`, { cause: error }));
      this.#scheduleReconnect(this.#nextDelay());
      return;
    }
    this.#socket = socket;
    this.#connectTimer = this.#timers.after(this.#options.connectTimeoutMs ?? 10_000, () => socket.close());
    socket.onerror = () => {}; // a close event always follows
    socket.onmessage = (event: MessageEventLike) => this.#onFrame(socket, event.data, token);
    socket.onclose = (event: CloseEventLike) => this.#onClose(socket, event.code, event.reason);
  }

  #onFrame(socket: WebSocketLike, data: unknown, token: string | null): void {
    if (socket !== this.#socket) return;
    let message: ServerMessage;
    try {
      message = JSON.parse(String(data)) as ServerMessage;
      if (typeof message !== 'object' || message === null || typeof message.type !== 'string') throw new TypeError('no type');
    } catch {
      this.#fire('client_error', new NotifyClientError('ERR_INVALID_FRAME', `not a notify message: ${String(data).slice(0, 100)}`));
      return;
    }
    if ('id' in message) {
      if (!this.#recent.add(message.id)) return; // delivered before: resume overlap or a duplicate
      this.#lastId = message.id;
    } else if (message.type === 'connection_established') {
      this.#onEstablished(message, token);
    } else if (message.type === 'unread_notifications') {
      // Resuming from `resumeFrom` may replay entries of the snapshot that are newer than it: they are not new.
      for (const n of message.data.notifications) this.#recent.add(n.id);
    }
    this.#pending.settle(message);
    this.#fire('message', message);
    this.#fire(message.type, message);
    if ('id' in message) this.#fire('notification', message);
  }

  #onEstablished(message: ConnectionEstablishedMessage, token: string | null): void {
    this.#timers.clear(this.#connectTimer);
    this.#established = message;
    // Not resumed (first connection, or a gap too old to fill): a snapshot follows, and the server's resume point
    // takes over, empty or not, so what is pushed while this device is away comes back as notifications.
    if (!message.data.resumed) this.#lastId = message.data.resumeFrom;
    this.#authFailures = 0;
    this.#timers.after(this.#options.stableAfterMs ?? 10_000, () => (this.#attempt = 0));
    if (token !== null) this.#refresher.schedule(token);
    this.#setState('open');
    const waiters = this.#waiters.splice(0);
    for (const w of waiters) w.resolve(message);
  }

  #onClose(socket: WebSocketLike, code: number, reason: string): void {
    if (socket !== this.#socket) return;
    this.#socket = undefined;
    this.#clearTimers();
    this.#pending.rejectAll(new NotifyClientError('ERR_CONNECTION_CLOSED', `the connection closed (${code}) before the answer came`, { closeCode: code }));
    const advice = closeAdvice(code);
    if (advice === 'stop') {
      this.#fire('disconnect', { code, reason });
      const error = code === 4003
        ? new NotifyClientError('ERR_FORBIDDEN', `the server refused the connection (4003 ${reason || 'Forbidden'}); not retrying`, { closeCode: code })
        : new NotifyClientError('ERR_ACCESS_DENIED', `the server refused the connection (${code} ${reason || 'Access token required'}); not retrying`, { closeCode: code });
      this.#stop(error);
      this.#fire('client_error', error);
      return;
    }
    // A first 4001 (typically "Token expired") reconnects at once with a new token; repeated ones back off.
    const immediate = advice === 'reauthenticate' && this.#authFailures++ === 0;
    // A server going away (1001) is restarting or being replaced: spread the return of its clients over a few
    // seconds; attempts that still find it down continue the usual backoff from there.
    const restarting = code === 1001 && this.#attempt === 0;
    const delay = immediate ? 0 : restarting ? this.#restartDelay() : this.#nextDelay();
    this.#fire('disconnect', { code, reason, retryInMs: delay });
    this.#scheduleReconnect(delay);
  }

  #restartDelay(): number {
    this.#attempt = 1;
    return restartDelayMs(this.#options.backoff, this.#options.random);
  }

  /** The delay before the next attempt; each call counts one more attempt until a connection is stable. */
  #nextDelay(): number {
    return backoffDelayMs(this.#attempt++, this.#options.backoff, this.#options.random);
  }

  #scheduleReconnect(delayMs: number): void {
    if (this.#state === 'closed') return; // a listener closed the client
    this.#setState('reconnecting');
    this.#timers.after(delayMs, () => void this.#open());
  }

  #request<K extends RequestKind>(kind: K, message: ClientMessage, id?: string): Promise<AnswerByRequest[K]> {
    const socket = this.#socket;
    if (this.#state === 'closed') return Promise.reject(new NotifyClientError('ERR_CLIENT_CLOSED', 'the client is closed'));
    if (!socket || socket.readyState !== OPEN || this.#state !== 'open') {
      return Promise.reject(new NotifyClientError('ERR_NOT_CONNECTED', `cannot send ${kind}: not connected (state ${this.#state})`));
    }
    const answer = this.#pending.wait(kind, id);
    socket.send(JSON.stringify(message));
    return answer;
  }

  /** Ends everything and enters `closed`; returns the socket that was open, with its handlers detached. */
  #stop(error: NotifyClientError): WebSocketLike | undefined {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#clearTimers();
    this.#pending.rejectAll(error);
    for (const w of this.#waiters.splice(0)) w.reject(error);
    if (socket) socket.onmessage = socket.onclose = null;
    this.#setState('closed');
    return socket;
  }

  /** The wire is catalog-agnostic: the catalog parameter types the listeners, not what arrives. */
  #fire(event: string, payload: unknown): void {
    (this.emit as (event: string, payload: unknown) => void).call(this, event, payload);
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#fire('state', state);
  }

  #clearTimers(): void {
    this.#timers.clearAll();
    this.#connectTimer = undefined;
    this.#refresher.reset();
  }
}

/**
 * Creates a {@link NotifyClient}; call `connect()` on it after adding listeners. `C` is the catalog its events are
 * typed with: an app's `Catalog` from its generated `index.d.ts`, or (no parameter) notify's built-in catalog.
 */
export function createNotifyClient<C extends CatalogShape = BuiltInCatalog>(options: NotifyClientOptions): NotifyClient<C> {
  return new NotifyClient<C>(options);
}

/** The `ids` or `all` of a state action. */
function target(ids: readonly string[] | 'all'): { ids: string[] } | { all: true } {
  return ids === 'all' ? { all: true } : { ids: [...ids] };
}
