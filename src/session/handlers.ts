// One handler per client action of the contract; `satisfies` makes a new action without a handler fail tsc.
import type { ClientAction, ClientMessageByAction } from '../../generated/index.js';
import { closeCodes } from '../errors.js';
import { reply, replyError, type Session } from './session.js';

type Handler<A extends ClientAction> = (session: Session, message: ClientMessageByAction[A]) => Promise<void> | void;

async function markOneRead(session: Session, id: string, action: string): Promise<void> {
  const { userId } = session.connection;
  const result = await session.fanOut.markRead(userId, [id]);
  if (result.found.length === 0) {
    replyError(session, 'not_found', `No notification ${id} for this user`, action);
  } else if (result.changed.length === 0) {
    // Already read: the other devices know; answer this one so its request completes.
    reply(session, 'notification_read', { ids: result.found, unreadCount: result.unreadCount });
  }
}

export const actionHandlers = {
  ping: (session) => reply(session, 'pong', {}),
  mark_read: (session, message) => markOneRead(session, message.id, message.action),
  acknowledge: (session, message) => markOneRead(session, message.id, message.action),
  mark_all_read: async (session) => {
    const result = await session.fanOut.markRead(session.connection.userId, 'all');
    if (result.changed.length === 0) reply(session, 'notification_read', { ids: [], unreadCount: result.unreadCount });
  },
  load_more: async (session, message) => {
    const page = await session.store.page(session.connection.userId, {
      before: message.before,
      limit: message.limit ?? session.config.pageSize,
    });
    reply(session, 'notifications_page', { notifications: session.encoder.onContract(page.notifications), nextCursor: page.nextCursor });
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
