// The batch push route for openapi.json: its answer schemas (one per kind of item answer) and its route entry.
import type { JsonSchema } from '../contract-model.js';
import { httpErrors } from '../../errors.js';
import { cappedForUser } from './keys.js';
import { notificationId } from './params.js';
import { suppressedCount, suppressedForUser } from './preferences.js';
import { cappedCount, pushedForUser } from './push.js';
import type { ApiRoute } from './route-types.js';
import { scheduleHandle } from './timing.js';

const created = { const: 201, description: 'What the single push would have answered.' };
const replayed = { const: true, description: 'Present when this item replays an earlier push with the same `idempotencyKey` (nothing new stored).' };
const epochMs = { type: 'integer', minimum: 0, description: 'Epoch milliseconds.' };

/** A closed object schema with `status` first. */
function itemAnswer(description: string, required: string[], properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', additionalProperties: false, description, required: ['status', ...required], properties: { status: created, ...properties } };
}

export const batchSchemas: Record<string, JsonSchema> = {
  BatchPushResult: {
    type: 'object',
    additionalProperties: false,
    required: ['results'],
    properties: {
      results: {
        type: 'array',
        description: "One answer per item, in item order: `status` is what the item's own push would have been answered with.",
        items: {
          oneOf: [
            { $ref: 'BatchUserResult' },
            { $ref: 'BatchSuppressedResult' },
            { $ref: 'BatchUsersResult' },
            { $ref: 'BatchTopicResult' },
            { $ref: 'BatchScheduledResult' },
            { $ref: 'BatchItemError' },
          ],
        },
      },
    },
  },
  BatchUserResult: itemAnswer('A `user` item: stored, then sent to the devices online.', ['id', 'timestamp', 'delivered'], {
    id: notificationId,
    timestamp: epochMs,
    delivered: { type: 'integer', minimum: 0, description: 'Devices of this node that were sent it (other nodes get it over the bus).' },
    replayed,
  }),
  BatchSuppressedResult: itemAnswer("A `user` item whose user turned the push's category or type off: nothing stored or sent.", ['suppressed'], { suppressed: { const: true } }),
  BatchUsersResult: itemAnswer('A `users` item: one notification per user, as `POST /api/v1/notifications` answers.', ['count', 'suppressed', 'notifications'], {
    count: { type: 'integer', minimum: 0, description: 'Users pushed to (each listed in `notifications`).' },
    suppressed: suppressedCount,
    capped: cappedCount,
    notifications: { type: 'array', items: { oneOf: [pushedForUser, suppressedForUser, cappedForUser] } },
    replayed,
  }),
  BatchTopicResult: itemAnswer("A `topic` item: stored once for the topic's subscribers.", ['id', 'timestamp', 'count', 'delivered', 'suppressed'], {
    id: notificationId,
    timestamp: epochMs,
    count: { type: 'integer', minimum: 0, description: 'Subscribers at the push (those who turned it off included).' },
    delivered: { type: 'integer', minimum: 0, description: 'Devices of this node that were sent it.' },
    suppressed: suppressedCount,
  }),
  BatchScheduledResult: itemAnswer('An item with `deliverAt`: stored for later, invisible until delivered.', ['id', 'scheduled', 'deliverAt'], {
    id: scheduleHandle,
    scheduled: { const: true },
    deliverAt: { type: 'string', format: 'date-time', description: 'When it will be delivered (UTC).' },
  }),
  BatchItemError: {
    type: 'object',
    additionalProperties: false,
    required: ['status', 'error', 'message'],
    description: 'An item that was refused (4xx: nothing stored for it) or failed (5xx: not known to be stored; retry it with its `idempotencyKey`).',
    properties: {
      status: { type: 'integer', minimum: 400, maximum: 599 },
      error: { type: 'string', enum: Object.keys(httpErrors), description: 'Stable error code, as the single push answers it.' },
      message: { type: 'string', description: 'What went wrong, for a person.' },
      details: {
        type: 'array',
        description: 'Where: JSON pointers into the request body, inside this item (`/items/3/data/title`).',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['pointer', 'message'],
          properties: { pointer: { type: 'string', pattern: '^/items/[0-9]+(/.*)?$' }, message: { type: 'string' } },
        },
      },
    },
  },
};

export const batchRoute: ApiRoute = {
  method: 'post',
  path: '/api/v1/notifications/batch',
  operationId: 'pushBatch',
  summary: 'Push up to 1,000 notifications in one request',
  description:
    'Each item is a push of its own (`user`, `users` or `topic`, with the fields of a single push and its own `idempotencyKey`), checked, stored and answered on its own: one bad item does not fail the others. The valid items are stored in one write (one transaction and one disk sync on SQLite; the unicast ones in one statement on PostgreSQL) and answered once it is durable; then each is sent like a single push, in item order. At most 10,000 recipients per batch; the body may be 64 times the single push limit.',
  tag: 'Push',
  scope: 'push',
  body: { schema: 'BatchPushRequest', description: '`{"items": [...]}`: 1–1000 pushes.', examples: 'batch' },
  responses: {
    '200': { description: "Every item's answer, in item order.", body: { $ref: 'BatchPushResult' } },
    '400': 'BadRequest',
    '401': 'Unauthorized',
  },
};
