// A user's inbox for openapi.json: the page of their notifications and the routes that change its state.
import type { JsonSchema } from '../contract-model.js';
import { notificationId, userId } from './params.js';
import type { ApiRoute } from './route-types.js';

export const inboxSchemas: Record<string, JsonSchema> = {
  NotificationsPage: {
    type: 'object',
    additionalProperties: false,
    required: ['notifications', 'unseenIds', 'nextCursor'],
    properties: {
      notifications: { type: 'array', maxItems: 100, items: { $ref: 'Notification' }, description: 'Newest first.' },
      unseenIds: { type: 'array', maxItems: 100, items: notificationId, description: 'The ids of `notifications` the user has not seen.' },
      nextCursor: { oneOf: [notificationId, { type: 'null' }], description: 'The `before` of the next page; null at the end.' },
    },
  },
};

const notificationParam = { name: 'id', in: 'path', required: true, description: 'The notification.', schema: notificationId } as const;

/**
 * A route that changes one user's state of one notification: `POST …/{id}/<action>`, or `DELETE …/{id}` for
 * 'delete'; 204 when done (also when it already was), 404 when the id is not the user's.
 */
function stateRoute(route: Pick<ApiRoute, 'operationId' | 'summary' | 'description'> & { action: 'seen' | 'read' | 'archive' | 'unarchive' | 'delete'; done?: string }): ApiRoute {
  const deletes = route.action === 'delete';
  return {
    method: deletes ? 'delete' : 'post',
    path: `/api/v1/users/{userId}/notifications/{id}${deletes ? '' : `/${route.action}`}`,
    operationId: route.operationId,
    summary: route.summary,
    description: route.description,
    tag: 'Notifications',
    scope: 'push',
    parameters: [userId, notificationParam],
    responses: { '204': { description: route.done ?? 'Done (also when it was already so).' }, '401': 'Unauthorized', '404': 'NotFound' },
  };
}

/** Listing a user's notifications, then the state routes. */
export const inboxRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/api/v1/users/{userId}/notifications',
    operationId: 'listNotifications',
    summary: "A page of a user's notifications, newest first",
    description: 'Deleted notifications are never listed; archived ones only with `archived=true`.',
    tag: 'Notifications',
    scope: 'read',
    parameters: [
      userId,
      { name: 'unread', in: 'query', description: 'Only unread ones.', schema: { type: 'string', enum: ['true', 'false'] } },
      { name: 'archived', in: 'query', description: 'true: only archived ones; otherwise archived ones are left out.', schema: { type: 'string', enum: ['true', 'false'] } },
      { name: 'category', in: 'query', description: 'Only this category ("general": those without one).', schema: { type: 'string', minLength: 1, maxLength: 64 } },
      { name: 'type', in: 'query', description: 'Only this notification type.', schema: { type: 'string', minLength: 1, maxLength: 64 } },
      { name: 'limit', in: 'query', description: 'Page size (default 20).', schema: { type: 'integer', minimum: 1, maximum: 100 } },
      { name: 'before', in: 'query', description: 'The `nextCursor` of the previous page.', schema: notificationId },
    ],
    responses: { '200': { description: 'A page.', body: { $ref: 'NotificationsPage' } }, '400': 'BadRequest', '401': 'Unauthorized' },
  },
  stateRoute({
    action: 'seen',
    operationId: 'markSeen',
    summary: 'Mark a notification seen',
    description: 'Every device of the user gets `notification_state` (state `seen`).',
  }),
  stateRoute({
    action: 'read',
    operationId: 'markRead',
    summary: 'Mark a notification read',
    description: 'Also marks it seen. Every device of the user gets `notification_read`.',
  }),
  stateRoute({
    action: 'archive',
    operationId: 'archiveNotification',
    summary: 'Archive a notification',
    description: 'Out of the counts and of default pages (listed with `archived=true`). Every device of the user gets `notification_state` (state `archived`).',
  }),
  stateRoute({
    action: 'unarchive',
    operationId: 'unarchiveNotification',
    summary: 'Bring an archived notification back',
    description: 'Every device of the user gets `notification_state` (state `unarchived`).',
  }),
  stateRoute({
    action: 'delete',
    operationId: 'deleteNotification',
    summary: "Delete a notification for this user",
    description: 'Gone for the user: no page, count or resume lists it again. Every device of the user gets `notification_state` (state `deleted`).',
    done: 'Deleted.',
  }),
];
