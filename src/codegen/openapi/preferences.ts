// The preferences part of the HTTP API's route table: its routes, and the push answers that report suppression.
import type { JsonSchema } from '../contract-model.js';
import type { ApiParameter, ApiRoute } from './route-types.js';

const switches: JsonSchema = {
  type: 'object',
  description: 'Names (1–64 characters) with `true` (on) or `false` (off).',
  maxProperties: 500,
  propertyNames: { minLength: 1, maxLength: 64 },
  additionalProperties: { type: 'boolean' },
};

const channelBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { categories: switches, types: switches },
};

export const preferenceSchemas: Record<string, JsonSchema> = {
  PreferencesBody: {
    type: 'object',
    additionalProperties: false,
    description:
      "A user's whole preferences: categories (the catalog's `x-notify-categories`, \"general\" always) and the catalog's notification types turned on or off on every channel, and under `channels.webPush` for Web Push only. A name not given is on.",
    properties: { categories: switches, types: switches, channels: { type: 'object', additionalProperties: false, properties: { webPush: channelBody } } },
  },
  Preferences: {
    type: 'object',
    additionalProperties: false,
    required: ['categories', 'types', 'channels'],
    description:
      'Every category and notification type of the catalog with its value, plus any name turned off that the catalog no longer declares; `channels.webPush` the same for Web Push only (a name off at the top level is off there too).',
    properties: {
      categories: switches,
      types: switches,
      channels: {
        type: 'object',
        additionalProperties: false,
        required: ['webPush'],
        properties: { webPush: { ...channelBody, required: ['categories', 'types'] } },
      },
    },
  },
  SuppressedPushResult: {
    type: 'object',
    additionalProperties: false,
    required: ['suppressed'],
    description: "The user turned off the push's category or type: nothing was stored or sent (send `critical: true` to bypass).",
    properties: { suppressed: { const: true } },
  },
};

/** The `notifications` item of a multi-user push answer for a user who had the push turned off. */
export const suppressedForUser: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'suppressed'],
  properties: { userId: { type: 'string' }, suppressed: { const: true } },
};

/** Of a broadcast, topic or multi-user push answer: how many recipients had it turned off. */
export const suppressedCount: JsonSchema = {
  type: 'integer',
  minimum: 0,
  description: "Users of the audience who turned off the push's category or type: it is not stored, listed, counted or sent for them (0 for a critical push).",
};

export function preferenceRoutes(userId: ApiParameter): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/api/v1/users/{userId}/preferences',
      operationId: 'getPreferences',
      summary: "A user's preferences",
      description: 'Every category and notification type of the catalog with its value (true unless the user turned it off).',
      tag: 'Notifications',
      scope: 'read',
      parameters: [userId],
      responses: { '200': { description: 'The preferences.', body: { $ref: 'Preferences' } }, '400': 'BadRequest', '401': 'Unauthorized' },
    },
    {
      method: 'put',
      path: '/api/v1/users/{userId}/preferences',
      operationId: 'setPreferences',
      summary: "Replace a user's preferences",
      description:
        'Replaces: every name the body does not turn off is on afterwards. Unknown categories or types are 422 and nothing is stored. Every device of the user gets the `preferences` frame.',
      tag: 'Notifications',
      scope: 'push',
      parameters: [userId],
      body: { schema: 'PreferencesBody', description: 'The whole preferences; `{}` turns everything on.' },
      responses: {
        '200': { description: 'Stored; the preferences now.', body: { $ref: 'Preferences' } },
        '400': 'BadRequest',
        '401': 'Unauthorized',
        '422': 'OffContract',
      },
    },
  ];
}
