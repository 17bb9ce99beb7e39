// The HTTP API's routes for openapi.json, in one table: a new route is one entry here (and its handler in src/http/).
import type { JsonSchema } from '../contract-model.js';
import { httpErrors } from '../../errors.js';
import { preferenceRoutes, preferenceSchemas, suppressedCount, suppressedForUser } from './preferences.js';
import { scheduleHandle, timingSchemas } from './timing.js';
import { batchRoute, batchSchemas } from './batch.js';
import { webhookRoutes } from './webhooks.js';
import { cappedForUser, keyRoutes, keySchemas, scopeResponses } from './keys.js';
import { displayRoutes, displaySchemas } from './display.js';

export type { ApiParameter, ApiResponse, ApiRoute, ErrorResponseName } from './route-types.js';
import type { ApiParameter, ApiResponse, ApiRoute, ErrorResponseName } from './route-types.js';

const userId: ApiParameter = { name: 'userId', in: 'path', required: true, description: 'The user (the `sub` of their JWT).', schema: { type: 'string', minLength: 1, maxLength: 256 } };
const topic: ApiParameter = { name: 'topic', in: 'path', required: true, description: 'Topic name.', schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } };
const notificationId: JsonSchema = { type: 'string', pattern: '^[0-9A-Za-z._-]{1,64}$', description: 'Notification id: sorts in delivery order per user.' };
const idempotencyKey: ApiParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  description: 'A retry with the same key for the same user answers the first 201 (header `Idempotent-Replayed: true`) and stores nothing new.',
  schema: { type: 'string', minLength: 1, maxLength: 200 },
};
const replayed = { 'Idempotent-Replayed': { description: '`true` when this answer replays an earlier push with the same Idempotency-Key.', schema: { type: 'string', enum: ['true'] } } };

/** Schemas of the HTTP API that do not come from the contract's catalog. */
export const apiSchemas: Record<string, JsonSchema> = {
  ApiError: {
    type: 'object',
    additionalProperties: false,
    required: ['error', 'message'],
    properties: {
      error: { type: 'string', enum: Object.keys(httpErrors), description: 'Stable error code.' },
      message: { type: 'string', description: 'What went wrong, for a person.' },
      details: { description: 'More about the error, when there is more.' },
    },
  },
  OffContractError: {
    type: 'object',
    additionalProperties: false,
    required: ['error', 'message', 'details'],
    properties: {
      error: { type: 'string', const: 'off_contract' },
      message: { type: 'string' },
      details: {
        type: 'array',
        description: "The contract validator's errors.",
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['pointer', 'message'],
          properties: {
            pointer: { type: 'string', description: 'JSON pointer into the request body, e.g. `/data/groupId`.' },
            message: { type: 'string', description: 'e.g. `must match format "uuid"`.' },
          },
        },
      },
    },
  },
  PushResult: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'timestamp', 'delivered'],
    properties: {
      id: notificationId,
      timestamp: { type: 'integer', minimum: 0, description: 'Epoch milliseconds.' },
      delivered: { type: 'integer', minimum: 0, description: 'Devices of this node that were sent it (other nodes get it over the bus).' },
    },
  },
  MultiPushResult: {
    type: 'object',
    additionalProperties: false,
    required: ['count', 'suppressed', 'notifications'],
    properties: {
      count: { type: 'integer', minimum: 0, description: 'Users pushed to (each listed in `notifications`).' },
      suppressed: suppressedCount,
      capped: { type: 'integer', minimum: 1, description: 'Users who had been pushed the per-minute cap (`--user-cap-per-minute`): nothing stored for them. Absent when none.' },
      notifications: {
        type: 'array',
        items: {
          oneOf: [
            {
              type: 'object',
              additionalProperties: false,
              required: ['userId', 'id', 'timestamp', 'delivered'],
              properties: {
                userId: { type: 'string' },
                id: notificationId,
                timestamp: { type: 'integer', minimum: 0 },
                delivered: { type: 'integer', minimum: 0 },
              },
            },
            suppressedForUser,
            cappedForUser,
          ],
        },
      },
    },
  },
  SharedPushResult: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'timestamp', 'count', 'delivered', 'suppressed'],
    description: 'A broadcast or topic push: one stored notification for the whole audience.',
    properties: {
      id: notificationId,
      timestamp: { type: 'integer', minimum: 0, description: 'Epoch milliseconds.' },
      count: { type: 'integer', minimum: 0, description: 'Users in the audience (those who turned it off included).' },
      delivered: { type: 'integer', minimum: 0, description: 'Devices of this node that were sent it.' },
      suppressed: suppressedCount,
    },
  },
  TopicUsers: {
    type: 'object',
    additionalProperties: false,
    required: ['users'],
    properties: { users: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 256 }, description: 'Duplicates count once.' } },
  },
  SubscriberPage: {
    type: 'object',
    additionalProperties: false,
    required: ['users', 'nextCursor'],
    properties: {
      users: { type: 'array', items: { type: 'string' }, description: 'Ascending.' },
      nextCursor: { type: ['string', 'null'], description: 'The `after` of the next page; null on the last.' },
    },
  },
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
  ...preferenceSchemas,
  StatusInfo: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'version'],
    properties: { name: { type: 'string' }, version: { type: 'string' } },
  },
  Health: { type: 'object', additionalProperties: false, required: ['status'], properties: { status: { const: 'ok' } } },
  ...timingSchemas,
  ...batchSchemas,
  ...keySchemas,
  ...displaySchemas,
  Readiness: {
    oneOf: [
      { type: 'object', additionalProperties: false, required: ['status', 'connections'], properties: { status: { const: 'ready' }, connections: { type: 'integer', minimum: 0 } } },
      { type: 'object', additionalProperties: false, required: ['status'], properties: { status: { const: 'shutting_down' } } },
    ],
  },
};

/** Shared error answers. */
export const errorResponses: Record<ErrorResponseName, { status: string; description: string; schema: string; headers?: ApiResponse['headers'] }> = {
  BadRequest: { status: '400', description: 'Bad JSON (`bad_json`) or a bad parameter (`bad_request`).', schema: 'ApiError' },
  ...scopeResponses,
  NotFound: { status: '404', description: 'No such notification for this user.', schema: 'ApiError' },
  PayloadTooLarge: { status: '413', description: 'The body is larger than the limit (64 KiB by default).', schema: 'ApiError' },
  OffContract: { status: '422', description: "Off-contract: the body does not match the contract; `details` holds the validator's errors.", schema: 'OffContractError' },
  NotReady: { status: '503', description: 'Not ready (shutting down).', schema: 'Readiness' },
};

/** Every route of the HTTP API (docs/http-api.md), in the order the document lists them. */
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

export const apiRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/api/v1/users/{userId}/notifications',
    operationId: 'pushToUser',
    summary: 'Push a notification to one user',
    description: 'Validated against the contract, stored, then sent to every device of the user. Answered once stored.',
    tag: 'Push',
    scope: 'push',
    parameters: [userId, idempotencyKey],
    body: { schema: 'PushRequest', description: 'One of the catalog\'s notification types, discriminated by `type`.', examples: 'single' },
    responses: {
      '201': {
        description: "Stored (and sent to the devices online); or `suppressed` when the user turned the push's category or type off; or scheduled (`deliverAt`).",
        body: { oneOf: [{ $ref: 'PushResult' }, { $ref: 'SuppressedPushResult' }, { $ref: 'ScheduledPushResult' }] },
        headers: replayed,
      },
      '400': 'BadRequest',
      '401': 'Unauthorized',
      '413': 'PayloadTooLarge',
      '422': 'OffContract',
    },
  },
  {
    method: 'post',
    path: '/api/v1/notifications',
    operationId: 'pushToMany',
    summary: 'Push a notification to many users, or broadcast it',
    description: '`users` (1–1000 ids) or `broadcast: true` (every user the store knows, each with its own copy and id).',
    tag: 'Push',
    scope: 'push',
    parameters: [idempotencyKey],
    body: { schema: 'MultiPushRequest', description: 'A notification with its audience.', examples: 'multi' },
    responses: {
      '201': { description: 'Stored for every recipient; or scheduled (`deliverAt`).', body: { oneOf: [{ $ref: 'MultiPushResult' }, { $ref: 'SharedPushResult' }, { $ref: 'ScheduledPushResult' }] } },
      '400': 'BadRequest',
      '401': 'Unauthorized',
      '413': 'PayloadTooLarge',
      '422': 'OffContract',
    },
  },
  batchRoute,
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
  ...preferenceRoutes(userId),
  ...webhookRoutes,
  {
    method: 'delete',
    path: '/api/v1/notifications/{id}',
    operationId: 'cancelOrRetract',
    summary: 'Cancel a scheduled push, or retract a notification',
    description: 'By schedule handle: cancelled before delivery (never delivered); after delivery, what it became is retracted. By feed id: that notification is retracted. Retracted: gone for every recipient (pages, counts, resume), every connected device told with `notifications_removed` (reason `retracted`). 204 also when already done.',
    tag: 'Push',
    scope: 'push',
    parameters: [{ name: 'id', in: 'path', required: true, description: 'A schedule handle or a feed id.', schema: { oneOf: [scheduleHandle, notificationId] } }],
    responses: { '204': { description: 'Cancelled or retracted.' }, '401': 'Unauthorized', '404': 'NotFound' },
  },
  {
    method: 'put',
    path: '/api/v1/topics/{topic}/subscribers',
    operationId: 'subscribeToTopic',
    summary: 'Subscribe users to a topic',
    description: 'They get the topic\'s pushes made from now on.',
    tag: 'Topics',
    scope: 'push',
    parameters: [topic],
    body: { schema: 'TopicUsers', description: '1–1000 user ids.' },
    responses: { '204': { description: 'Subscribed.' }, '400': 'BadRequest', '401': 'Unauthorized', '413': 'PayloadTooLarge' },
  },
  {
    method: 'delete',
    path: '/api/v1/topics/{topic}/subscribers',
    operationId: 'unsubscribeFromTopic',
    summary: 'Unsubscribe users from a topic',
    tag: 'Topics',
    scope: 'push',
    parameters: [topic],
    body: { schema: 'TopicUsers', description: '1–1000 user ids.' },
    responses: { '204': { description: 'Unsubscribed.' }, '400': 'BadRequest', '401': 'Unauthorized', '413': 'PayloadTooLarge' },
  },
  {
    method: 'get',
    path: '/api/v1/topics/{topic}/subscribers',
    operationId: 'listTopicSubscribers',
    summary: 'A page of a topic\'s subscribers',
    tag: 'Topics',
    scope: 'read',
    parameters: [
      topic,
      { name: 'limit', in: 'query', description: 'Page size (default 100).', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
      { name: 'after', in: 'query', description: 'The `nextCursor` of the previous page.', schema: { type: 'string', minLength: 1, maxLength: 256 } },
    ],
    responses: { '200': { description: 'A page.', body: { $ref: 'SubscriberPage' } }, '400': 'BadRequest', '401': 'Unauthorized' },
  },
  {
    method: 'post',
    path: '/api/v1/topics/{topic}/notifications',
    operationId: 'pushToTopic',
    summary: 'Push a notification to a topic\'s subscribers',
    description: 'Stored once for the audience; every user subscribed before the push gets it.',
    tag: 'Push',
    scope: 'push',
    parameters: [topic],
    body: { schema: 'PushRequest', description: 'One of the catalog\'s notification types, discriminated by `type`.', examples: 'single' },
    responses: {
      '201': { description: 'Stored for the topic; or scheduled (`deliverAt`).', body: { oneOf: [{ $ref: 'SharedPushResult' }, { $ref: 'ScheduledPushResult' }] } },
      '400': 'BadRequest',
      '401': 'Unauthorized',
      '413': 'PayloadTooLarge',
      '422': 'OffContract',
    },
  },
  ...keyRoutes,
  {
    method: 'get',
    path: '/api/status/ping',
    operationId: 'ping',
    summary: 'Liveness as text',
    tag: 'Status',
    responses: { '200': { description: 'Alive.', text: { contentType: 'text/plain', schema: { type: 'string', const: 'pong' } } } },
  },
  {
    method: 'get',
    path: '/api/status/info',
    operationId: 'info',
    summary: 'Server name and version',
    tag: 'Status',
    responses: { '200': { description: 'Name and version.', body: { $ref: 'StatusInfo' } } },
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    summary: 'Liveness',
    tag: 'Status',
    responses: { '200': { description: 'Alive.', body: { $ref: 'Health' } } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness (503 while shutting down)',
    tag: 'Status',
    responses: { '200': { description: 'Ready.', body: { $ref: 'Readiness' } }, '503': 'NotReady' },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    tag: 'Status',
    responses: { '200': { description: 'Prometheus text exposition format.', text: { contentType: 'text/plain', schema: { type: 'string' } } } },
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This document',
    tag: 'Documentation',
    responses: { '200': { description: 'The OpenAPI 3.1 document of this API, generated from the contract.', body: { type: 'object' } } },
  },
  ...displayRoutes,
];
