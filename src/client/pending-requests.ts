// Matches client requests with their answer frames (the protocol has no request ids), with a timeout each.
import type {
  NotificationReadMessage,
  NotificationStateMessage,
  NotificationsPageMessage,
  PongMessage,
  PreferencesMessage,
  ServerMessage,
  TokenRefreshedMessage,
  WebPushSubscriptionMessage,
} from '../../generated/index.js';
import { NotifyClientError } from './errors.js';

/** The answer frame each request waits for. */
export interface AnswerByRequest {
  ping: PongMessage;
  mark_read: NotificationReadMessage;
  mark_all_read: NotificationReadMessage;
  mark_seen: NotificationStateMessage;
  archive: NotificationStateMessage;
  unarchive: NotificationStateMessage;
  delete: NotificationStateMessage;
  load_more: NotificationsPageMessage;
  refresh_token: TokenRefreshedMessage;
  get_preferences: PreferencesMessage;
  set_preferences: PreferencesMessage;
  register_web_push: WebPushSubscriptionMessage;
  unregister_web_push: WebPushSubscriptionMessage;
}
export type RequestKind = keyof AnswerByRequest;

/** The request a notification_state of each state answers. */
const stateRequest = { seen: 'mark_seen', archived: 'archive', unarchived: 'unarchive', deleted: 'delete' } as const satisfies Record<
  NotificationStateMessage['data']['state'],
  RequestKind
>;

interface Pending {
  kind: RequestKind;
  /** mark_read: the id it marks. */
  id?: string;
  resolve: (answer: never) => void;
  reject: (error: NotifyClientError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Requests of one kind are answered in the order they were sent, so each answer settles the oldest
 * request of its kind; `notification_read` settles the `mark_read` requests whose id it lists first.
 * A `notification_read` caused by another device can settle a pending `mark_all_read` early: the
 * promise means "read state changed", not "this exact request was applied".
 */
export class PendingRequests {
  #pending: Pending[] = [];
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Waits for the answer to a request of `kind` that is about to be sent. */
  wait<K extends RequestKind>(kind: K, id?: string): Promise<AnswerByRequest[K]> {
    return new Promise<AnswerByRequest[K]>((resolve, reject) => {
      const entry: Pending = {
        kind,
        resolve: resolve as (answer: never) => void,
        reject,
        timer: setTimeout(() => {
          this.#remove(entry);
          reject(new NotifyClientError('ERR_REQUEST_TIMEOUT', `no answer to ${kind} within ${this.#timeoutMs} ms`));
        }, this.#timeoutMs),
      };
      if (id !== undefined) entry.id = id;
      this.#pending.push(entry);
    });
  }

  /** Settles the requests `message` answers; false when it answers none. */
  settle(message: ServerMessage): boolean {
    switch (message.type) {
      case 'pong':
        return this.#resolveOldest(['ping'], message);
      case 'notifications_page':
        return this.#resolveOldest(['load_more'], message);
      case 'token_refreshed':
        return this.#resolveOldest(['refresh_token'], message);
      case 'preferences':
        // Either request is answered with the whole preferences; a change from another device may settle one early.
        return this.#resolveOldest(['get_preferences', 'set_preferences'], message);
      case 'web_push_subscription':
        return this.#resolveOldest([message.data.registered ? 'register_web_push' : 'unregister_web_push'], message);
      case 'notification_read': {
        const ids = new Set(message.data.ids);
        const named = this.#pending.filter((p) => p.kind === 'mark_read' && p.id !== undefined && ids.has(p.id));
        for (const p of named) this.#finish(p).resolve(message as never);
        if (named.length > 0) return true;
        // Nothing named: a mark_all_read, or a mark_read of an id that was already read.
        return this.#resolveOldest(['mark_all_read'], message) || (ids.size === 0 && this.#resolveOldest(['mark_read'], message));
      }
      case 'notification_state': {
        // Answered in order per kind; a change another device made can settle a pending one early (as for mark_all_read).
        const kind = stateRequest[message.data.state];
        return this.#resolveOldest([kind], message);
      }
      case 'request_error': {
        const action = message.data.action === 'acknowledge' ? 'mark_read' : message.data.action;
        const entry = this.#pending.find((p) => p.kind === action);
        if (!entry) return false;
        this.#finish(entry).reject(
          new NotifyClientError('ERR_REQUEST_REJECTED', `${entry.kind} was rejected: ${message.data.code}: ${message.data.message}`, {
            requestError: message.data,
          }),
        );
        return true;
      }
      default:
        return false;
    }
  }

  /** Rejects every pending request (connection closed, client closed). */
  rejectAll(error: NotifyClientError): void {
    const all = this.#pending;
    this.#pending = [];
    for (const p of all) {
      clearTimeout(p.timer);
      p.reject(error);
    }
  }

  get size(): number {
    return this.#pending.length;
  }

  #resolveOldest(kinds: readonly RequestKind[], message: ServerMessage): boolean {
    const entry = this.#pending.find((p) => kinds.includes(p.kind));
    if (!entry) return false;
    this.#finish(entry).resolve(message as never);
    return true;
  }

  #finish(entry: Pending): Pending {
    clearTimeout(entry.timer);
    this.#remove(entry);
    return entry;
  }

  #remove(entry: Pending): void {
    this.#pending = this.#pending.filter((p) => p !== entry);
  }
}
