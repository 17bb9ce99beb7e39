// The HTTP API's routes for openapi.json, in one table: a new route is one entry here (and its handler in src/http/).
import type { JsonSchema } from '../contract-model.js';
import { httpErrors } from '../../errors.js';
import { batchRoute, batchSchemas } from './batch.js';
import { displayRoutes, displaySchemas } from './display.js';
import { inboxRoutes, inboxSchemas } from './inbox.js';
import { keyRoutes, keySchemas, scopeResponses } from './keys.js';
import { userId } from './params.js';
import { preferenceRoutes, preferenceSchemas } from './preferences.js';
import { cancelOrRetract, pushSchemas, pushToMany, pushToTopic, pushToUser } from './push.js';
import { statusRoutes, statusSchemas } from './status.js';
import { timingSchemas } from './timing.js';
import { subscriberRoutes, topicSchemas } from './topics.js';
import { webhookRoutes } from './webhooks.js';
import { webPushRoutes, webPushSchemas } from './web-push.js';

export type { ApiParameter, ApiResponse, ApiRoute, ErrorResponseName } from './route-types.js';
import type { ApiResponse, ApiRoute, ErrorResponseName } from './route-types.js';

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
  ...pushSchemas,
  ...topicSchemas,
  ...inboxSchemas,
  ...preferenceSchemas,
  ...webPushSchemas,
  ...statusSchemas,
  ...timingSchemas,
  ...batchSchemas,
  ...keySchemas,
  ...displaySchemas,
};

/** Shared error answers. */
export const errorResponses: Record<ErrorResponseName, { status: string; description: string; schema: string; headers?: ApiResponse['headers'] }> = {
  BadRequest: { status: '400', description: 'Bad JSON (`bad_json`) or a bad parameter (`bad_request`).', schema: 'ApiError' },
  ...scopeResponses,
  NotFound: { status: '404', description: 'Not found (`not_found`): no such notification of this user, schedule, API key, webhook endpoint or subscription.', schema: 'ApiError' },
  PayloadTooLarge: { status: '413', description: 'The body is larger than the limit (64 KiB by default).', schema: 'ApiError' },
  OffContract: { status: '422', description: "Off-contract: the body does not match the contract; `details` holds the validator's errors.", schema: 'OffContractError' },
  NotReady: { status: '503', description: 'Not ready (shutting down).', schema: 'Readiness' },
};

/** Every route of the HTTP API (docs/http-api.md), in the order the document lists them. */
export const apiRoutes: ApiRoute[] = [
  pushToUser,
  pushToMany,
  batchRoute,
  ...inboxRoutes,
  ...preferenceRoutes(userId),
  ...webhookRoutes,
  ...webPushRoutes(userId),
  cancelOrRetract,
  ...subscriberRoutes,
  pushToTopic,
  ...keyRoutes,
  ...statusRoutes,
  ...displayRoutes,
];
