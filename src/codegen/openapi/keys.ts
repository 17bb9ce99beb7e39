// openapi.json's part for API keys: the admin key routes, their schemas, and the scope-related answers every service route has.
import type { JsonSchema } from '../contract-model.js';
import type { ApiResponse, ApiRoute } from './route-types.js';

const scopes: JsonSchema = {
  type: 'array',
  minItems: 1,
  uniqueItems: true,
  items: { type: 'string', enum: ['push', 'read', 'admin'] },
  description: '`push`: push, schedule, retract, topics and state changes; `read`: the GET routes (notifications, preferences, subscribers); `admin`: keys, and everything.',
};
const rate: JsonSchema = { type: 'string', pattern: '^\\d+/(s|m|h)$', description: 'Token bucket: COUNT requests at once, refilled at COUNT per second / minute / hour (`100/s`). Absent: no limit.' };
const time = (description: string): JsonSchema => ({ type: 'string', format: 'date-time', description });

const keyProperties: Record<string, JsonSchema> = {
  name: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
  scopes,
  rate,
  createdAt: time('When it was created.'),
  lastUsedAt: time('Its last use, as of the last batch written (every second by default); absent: never used.'),
};

export const keySchemas: Record<string, JsonSchema> = {
  KeyRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'scopes'],
    properties: { name: keyProperties['name']!, scopes, rate },
  },
  Key: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'scopes', 'createdAt'],
    description: 'An API key as listed: never the key itself.',
    properties: keyProperties,
  },
  CreatedKey: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'scopes', 'createdAt', 'key'],
    properties: { ...keyProperties, key: { type: 'string', pattern: '^nk_[A-Za-z0-9_-]{43}$', description: 'The key, shown this once: only its SHA-256 is stored.' } },
  },
  KeyList: {
    type: 'object',
    additionalProperties: false,
    required: ['keys'],
    properties: { keys: { type: 'array', items: { $ref: 'Key' }, description: 'Keys not revoked, oldest first.' } },
  },
};

/** A user of a multi-user push who had reached the per-minute cap: nothing stored for them. */
export const cappedForUser: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'capped'],
  properties: { userId: { type: 'string' }, capped: { const: true } },
};

const rateLimitHeaders: ApiResponse['headers'] = {
  'Retry-After': { description: 'Seconds until a retry can succeed.', schema: { type: 'string', pattern: '^\\d+$' } },
  RateLimit: { description: 'API keys with a rate: what is left (`"api-key";r=REMAINING;t=SECONDS_TO_FULL`), draft-ietf-httpapi-ratelimit-headers.', schema: { type: 'string' } },
  'RateLimit-Policy': { description: 'API keys with a rate: the quota (`"api-key";q=COUNT;w=SECONDS`).', schema: { type: 'string' } },
};

/** The answers a route requiring a scope may give besides its own, shared under components.responses. */
export const scopeResponses = {
  Unauthorized: { status: '401', description: 'No service credential, or not a valid one: an unknown or revoked API key, a wrong push token, a token without a notify scope (a user token is not one).', schema: 'ApiError' },
  Forbidden: { status: '403', description: 'A valid credential without the scope this route requires (`forbidden`).', schema: 'ApiError' },
  RateLimited: {
    status: '429',
    description: 'The API key passed its rate (`rate_limited`); on push routes also a user who was pushed the per-minute cap (`user_capped`). Nothing was done; retry after `Retry-After` seconds.',
    schema: 'ApiError',
    headers: rateLimitHeaders,
  },
  Conflict: { status: '409', description: 'A key of that name exists and is not revoked (`conflict`).', schema: 'ApiError' },
} as const;

const keyName = { name: 'name', in: 'path', required: true, description: 'The key\'s name.', schema: keyProperties['name']! } as const;

export const keyRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/api/v1/keys',
    operationId: 'createKey',
    summary: 'Create an API key',
    description: 'Answers the key once (`key`); only its SHA-256 is stored. Every node accepts it within a second.',
    tag: 'Keys',
    scope: 'admin',
    body: { schema: 'KeyRequest', description: 'Its name, scopes and optional rate.' },
    responses: { '201': { description: 'Created.', body: { $ref: 'CreatedKey' } }, '400': 'BadRequest', '409': 'Conflict' },
  },
  {
    method: 'get',
    path: '/api/v1/keys',
    operationId: 'listKeys',
    summary: 'List the API keys',
    description: 'Name, scopes, rate, creation and last use of each key not revoked; never a key.',
    tag: 'Keys',
    scope: 'admin',
    responses: { '200': { description: 'The keys.', body: { $ref: 'KeyList' } } },
  },
  {
    method: 'delete',
    path: '/api/v1/keys/{name}',
    operationId: 'revokeKey',
    summary: 'Revoke an API key',
    description: 'Every node refuses it (401) within a second.',
    tag: 'Keys',
    scope: 'admin',
    parameters: [keyName],
    responses: { '204': { description: 'Revoked.' }, '404': 'NotFound' },
  },
];
