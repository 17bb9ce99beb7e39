// The topic subscriber routes for openapi.json and their schemas (the topic push is with the other pushes, push.ts).
import type { JsonSchema } from '../contract-model.js';
import type { ApiParameter, ApiRoute } from './route-types.js';

export const topic: ApiParameter = { name: 'topic', in: 'path', required: true, description: 'Topic name.', schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } };

export const topicSchemas: Record<string, JsonSchema> = {
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
};

export const subscriberRoutes: ApiRoute[] = [
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
    responses: { '204': { description: 'Subscribed.' }, '400': 'BadRequest', '401': 'Unauthorized' },
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
    responses: { '204': { description: 'Unsubscribed.' }, '400': 'BadRequest', '401': 'Unauthorized' },
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
];
