// The webhook part of the HTTP API's route table (endpoints, test events, dead letters) and its schemas.
import type { JsonSchema } from '../contract-model.js';
import type { ApiParameter, ApiRoute } from './route-types.js';

const endpointId: ApiParameter = { name: 'id', in: 'path', required: true, description: 'The endpoint (`whep_…`).', schema: { type: 'string', pattern: '^whep_[0-9a-f]{16}$' } };
const eventTypes = (types: readonly string[]): JsonSchema => ({
  type: 'array',
  minItems: 1,
  uniqueItems: true,
  description: 'The event types it is sent (`webhook.test` is sent on request only).',
  items: { type: 'string', enum: types.filter((t) => t !== 'webhook.test') },
});

/** Schemas of the webhook routes; `types` are the contract's webhook event types. */
export function webhookSchemas(types: readonly string[]): Record<string, JsonSchema> {
  const endpointProperties: Record<string, JsonSchema> = {
    id: { type: 'string', pattern: '^whep_[0-9a-f]{16}$' },
    url: { type: 'string', format: 'uri' },
    events: eventTypes(types),
    description: { type: 'string', maxLength: 500 },
    enabled: { type: 'boolean' },
    disabledReason: { type: 'string', description: 'Why notify disabled it (every attempt failed for too long).' },
    createdAt: { type: 'integer', minimum: 0, description: 'Epoch milliseconds.' },
  };
  const required = ['id', 'url', 'events', 'enabled', 'createdAt'];
  return {
    WebhookEndpointBody: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'events'],
      properties: {
        url: { type: 'string', maxLength: 2048, description: 'https only; never a loopback, private or link-local address (unless the server runs with `--webhooks-allow-local`).' },
        events: eventTypes(types),
        description: { type: 'string', maxLength: 500 },
      },
    },
    WebhookEndpointChange: {
      type: 'object',
      additionalProperties: false,
      properties: { events: eventTypes(types), enabled: { type: 'boolean', description: 'true also clears the failure record.' }, description: { type: 'string', maxLength: 500 } },
    },
    WebhookEndpoint: { type: 'object', additionalProperties: false, required, properties: endpointProperties },
    NewWebhookEndpoint: {
      type: 'object',
      additionalProperties: false,
      required: [...required, 'secret'],
      properties: { ...endpointProperties, secret: { type: 'string', pattern: '^whsec_', description: 'The signing secret (Standard Webhooks), shown in this answer only.' } },
    },
    WebhookEndpointList: { type: 'object', additionalProperties: false, required: ['endpoints'], properties: { endpoints: { type: 'array', items: { $ref: 'WebhookEndpoint' } } } },
    WebhookDeadLetters: {
      type: 'object',
      additionalProperties: false,
      required: ['deadLetters', 'nextCursor'],
      properties: {
        deadLetters: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['seq', 'eventId', 'endpointId', 'type', 'createdAt', 'attempts', 'lastError'],
            properties: {
              seq: { type: 'string', description: 'Its place in the queue (the `after` of the next page).' },
              eventId: { type: 'string', description: 'The `webhook-id` it was sent with.' },
              endpointId: { type: 'string' },
              type: { type: 'string', enum: [...types] },
              createdAt: { type: 'integer', minimum: 0 },
              attempts: { type: 'integer', minimum: 1 },
              lastError: { type: 'string' },
            },
          },
        },
        nextCursor: { type: ['string', 'null'] },
      },
    },
    WebhookReplayBody: {
      type: 'object',
      additionalProperties: false,
      description: 'Which dead letters: those of `endpointId`, these `eventIds`, or (empty body) all.',
      properties: { endpointId: { type: 'string' }, eventIds: { type: 'array', maxItems: 1000, items: { type: 'string' } } },
    },
    WebhookReplayResult: { type: 'object', additionalProperties: false, required: ['replayed'], properties: { replayed: { type: 'integer', minimum: 0 } } },
    WebhookTestResult: { type: 'object', additionalProperties: false, required: ['eventId'], properties: { eventId: { type: 'string', description: 'The `webhook-id` of the test event.' } } },
  };
}

export const webhookRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/api/v1/webhooks',
    operationId: 'createWebhookEndpoint',
    summary: 'Register a webhook endpoint',
    description: 'Events of the chosen types are POSTed to the URL, signed per Standard Webhooks with the secret of the answer (shown once).',
    tag: 'Webhooks',
    scope: 'admin',
    body: { schema: 'WebhookEndpointBody', description: 'The URL and the event types it is sent.' },
    responses: { '201': { description: 'Registered.', body: { $ref: 'NewWebhookEndpoint' } }, '400': 'BadRequest', '422': 'OffContract' },
  },
  {
    method: 'get',
    path: '/api/v1/webhooks',
    operationId: 'listWebhookEndpoints',
    summary: 'List webhook endpoints',
    description: 'Never their secrets.',
    tag: 'Webhooks',
    scope: 'admin',
    responses: { '200': { description: 'Every endpoint.', body: { $ref: 'WebhookEndpointList' } } },
  },
  {
    method: 'get',
    path: '/api/v1/webhooks/dead-letters',
    operationId: 'listWebhookDeadLetters',
    summary: 'List dead-lettered webhook events',
    description: 'Events given up on after their retry window (24 hours), oldest first.',
    tag: 'Webhooks',
    scope: 'admin',
    parameters: [
      { name: 'endpoint', in: 'query', description: 'Only this endpoint\'s.', schema: { type: 'string' } },
      { name: 'after', in: 'query', description: 'The `nextCursor` of the previous page.', schema: { type: 'string', pattern: '^[0-9]{1,19}$' } },
      { name: 'limit', in: 'query', description: '1–1000 (default 100).', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
    ],
    responses: { '200': { description: 'A page of dead letters.', body: { $ref: 'WebhookDeadLetters' } }, '400': 'BadRequest' },
  },
  {
    method: 'post',
    path: '/api/v1/webhooks/dead-letters/replay',
    operationId: 'replayWebhookDeadLetters',
    summary: 'Replay dead-lettered webhook events',
    description: 'Puts them back in the queue with a new 24-hour window and the same `webhook-id`s (`notify webhooks replay`).',
    tag: 'Webhooks',
    scope: 'admin',
    body: { schema: 'WebhookReplayBody', description: 'Which dead letters.' },
    responses: { '200': { description: 'How many were queued again.', body: { $ref: 'WebhookReplayResult' } }, '400': 'BadRequest', '422': 'OffContract' },
  },
  {
    method: 'get',
    path: '/api/v1/webhooks/{id}',
    operationId: 'getWebhookEndpoint',
    summary: 'A webhook endpoint',
    tag: 'Webhooks',
    scope: 'admin',
    parameters: [endpointId],
    responses: { '200': { description: 'The endpoint, without its secret.', body: { $ref: 'WebhookEndpoint' } }, '404': 'NotFound' },
  },
  {
    method: 'patch',
    path: '/api/v1/webhooks/{id}',
    operationId: 'changeWebhookEndpoint',
    summary: 'Change a webhook endpoint',
    description: 'Its event types, whether it is enabled (enabling one notify disabled clears its failure record), its description.',
    tag: 'Webhooks',
    scope: 'admin',
    parameters: [endpointId],
    body: { schema: 'WebhookEndpointChange', description: 'What changes.' },
    responses: { '200': { description: 'The endpoint now.', body: { $ref: 'WebhookEndpoint' } }, '400': 'BadRequest', '404': 'NotFound', '422': 'OffContract' },
  },
  {
    method: 'delete',
    path: '/api/v1/webhooks/{id}',
    operationId: 'deleteWebhookEndpoint',
    summary: 'Delete a webhook endpoint',
    description: 'With every event still waiting for it.',
    tag: 'Webhooks',
    scope: 'admin',
    parameters: [endpointId],
    responses: { '204': { description: 'Deleted.' }, '404': 'NotFound' },
  },
  {
    method: 'post',
    path: '/api/v1/webhooks/{id}/test',
    operationId: 'testWebhookEndpoint',
    summary: 'Send a test event',
    description: 'Queues a `webhook.test` event for the endpoint, whatever it subscribes to; it is sent and retried like any other.',
    tag: 'Webhooks',
    scope: 'admin',
    parameters: [endpointId],
    responses: { '202': { description: 'Queued.', body: { $ref: 'WebhookTestResult' } }, '404': 'NotFound' },
  },
];
