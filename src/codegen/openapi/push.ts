// The push routes for openapi.json (one user, many users or a broadcast, a topic, retracting) and what they answer.
import type { JsonSchema } from '../contract-model.js';
import { cappedForUser } from './keys.js';
import { notificationId, userId } from './params.js';
import { suppressedCount, suppressedForUser } from './preferences.js';
import type { ApiParameter, ApiRoute } from './route-types.js';
import { scheduleHandle } from './timing.js';
import { topic } from './topics.js';

const idempotencyKey: ApiParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  description: 'A retry with the same key for the same user answers the first 201 (header `Idempotent-Replayed: true`) and stores nothing new.',
  schema: { type: 'string', minLength: 1, maxLength: 200 },
};
const replayed = { 'Idempotent-Replayed': { description: '`true` when this answer replays an earlier push with the same Idempotency-Key.', schema: { type: 'string', enum: ['true'] } } };

/** One user's notification in a push to several users (`POST /api/v1/notifications`, a batch's `users` item). */
export const pushedForUser: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'id', 'timestamp', 'delivered'],
  properties: {
    userId: { type: 'string' },
    id: notificationId,
    timestamp: { type: 'integer', minimum: 0 },
    delivered: { type: 'integer', minimum: 0 },
  },
};

/** How many users of a multi-user push were over their per-minute cap. */
export const cappedCount: JsonSchema = { type: 'integer', minimum: 1, description: 'Users who had been pushed the per-minute cap (`--user-cap-per-minute`): nothing stored for them. Absent when none.' };

export const pushSchemas: Record<string, JsonSchema> = {
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
      capped: cappedCount,
      notifications: {
        type: 'array',
        items: {
          oneOf: [
            pushedForUser,
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
};

export const pushToUser: ApiRoute =
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
      '422': 'OffContract',
    },
  };

export const pushToMany: ApiRoute =
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
      '422': 'OffContract',
    },
  };

export const cancelOrRetract: ApiRoute =
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
  };

export const pushToTopic: ApiRoute =
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
      '422': 'OffContract',
    },
  };
