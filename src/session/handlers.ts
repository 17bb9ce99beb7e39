// One handler per client action of the contract; `satisfies` makes a new action without a handler fail tsc.
import type { ClientAction, ClientMessageByAction } from '../../generated/index.js';
import { closeCodes } from '../errors.js';
import { stateFrame } from '../hub/fan-out.js';
import type { StateChange } from '../store/store.js';
import { subscriptionOf } from '../web-push/subscriptions.js';
import { reply, replyError, type Session } from './session.js';

type Handler<A extends ClientAction> = (session: Session, message: ClientMessageByAction[A]) => Promise<void> | void;

/** What a state action names: one id (mark_read / acknowledge), a list, or every notification. */
interface Target {
  action: string;
  id?: string;
  ids?: string[];
  all?: boolean;
}

/**
 * Applies a state action; every device hears of what changed (fan-out). When nothing changed, only this
 * device is answered (no ids, the current counts) so its request completes; unknown ids are not_found.
 */
async function changeState(session: Session, change: StateChange, target: Target): Promise<void> {
  const { userId } = session.connection;
  const ids = target.all ? 'all' : target.ids ?? (target.id === undefined ? [] : [target.id]);
  const result = await session.fanOut.changeState(userId, ids, change);
  if (ids !== 'all' && result.found.length === 0) {
    replyError(session, 'not_found', `No notification ${ids.slice(0, 5).join(', ')} for this user`, target.action);
  } else if (result.changed.length === 0) {
    // Already in that state: named back when asked by id (so the request completes), not for 'all'.
    const [type, data] = stateFrame(change, ids === 'all' ? [] : result.found, result);
    reply(session, type, data);
  }
}

export const actionHandlers = {
  ping: (session) => reply(session, 'pong', {}),
  mark_read: (session, message) => changeState(session, 'read', message),
  acknowledge: (session, message) => changeState(session, 'read', message),
  mark_all_read: (session, message) => changeState(session, 'read', { action: message.action, all: true }),
  mark_seen: (session, message) => changeState(session, 'seen', message),
  archive: (session, message) => changeState(session, 'archive', message),
  unarchive: (session, message) => changeState(session, 'unarchive', message),
  delete: (session, message) => changeState(session, 'delete', message),
  load_more: async (session, message) => {
    const page = await session.store.page(session.connection.userId, {
      before: message.before,
      limit: message.limit ?? session.config.pageSize,
      unreadOnly: message.unread,
      archived: message.archived,
      category: message.category,
      type: message.type,
    });
    const notifications = session.encoder.onContract(page.notifications);
    reply(session, 'notifications_page', { notifications, unseenIds: page.unseenIds, nextCursor: page.nextCursor });
  },
  get_preferences: async (session) => {
    reply(session, 'preferences', await session.preferences.get(session.connection.userId));
  },
  // Merges; every device of the user (this one included) gets the whole preferences in one frame.
  set_preferences: async (session, message) => {
    const { action: _action, ...change } = message;
    await session.preferences.set(session.connection.userId, change, 'merge');
  },
  register_web_push: async (session, message) => {
    if (!session.webPush) return replyError(session, 'not_found', 'Web Push is not enabled on this server', message.action);
    let subscription;
    try {
      subscription = subscriptionOf(message.subscription, { allowHttp: session.config.webPush.allowHttp }, '/subscription');
    } catch (error) {
      return replyError(session, 'invalid_message', (error as Error).message, message.action);
    }
    const { record } = await session.webPush.subscriptions.register(session.connection.userId, subscription);
    reply(session, 'web_push_subscription', { id: record.id, registered: true });
  },
  unregister_web_push: async (session, message) => {
    if (!session.webPush) return replyError(session, 'not_found', 'Web Push is not enabled on this server', message.action);
    if (!(await session.webPush.subscriptions.unregister(session.connection.userId, message.id))) {
      return replyError(session, 'not_found', 'No such Web Push subscription of this user', message.action);
    }
    reply(session, 'web_push_subscription', { id: message.id, registered: false });
  },
  refresh_token: async (session, message) => {
    const result = await session.verifier.verify(message.token);
    const { connection } = session;
    if (!result.ok || result.principal.userId !== connection.userId) {
      connection.close(closeCodes.invalidToken.code, closeCodes.invalidToken.reason);
      return;
    }
    connection.expiresAtMs = result.principal.expiresAtMs;
    reply(session, 'token_refreshed', { expiresAt: new Date(result.principal.expiresAtMs).toISOString() });
  },
  configure: (session, message) => {
    if (!session.demo) {
      replyError(session, 'not_in_demo_mode', 'configure only works when the server runs with --demo', message.action);
      return;
    }
    session.demo.configure(session.connection, message.frequency);
  },
} satisfies { [A in ClientAction]: Handler<A> };

/** Runs the handler of `message.action`. */
export function handleAction<A extends ClientAction>(session: Session, message: ClientMessageByAction[A] & { action: A }): Promise<void> | void {
  const handler = actionHandlers[message.action] as Handler<A>;
  return handler(session, message);
}
