// The Web Push part of the HTTP API's route table: the public key, subscriptions, and the service worker's calls.
import type { JsonSchema } from '../contract-model.js';
import type { ApiParameter, ApiRoute } from './route-types.js';

/**
 * The contract's WebPushSubscriptionId, WebPushPublicKey and WebPushSubscriptionJson, restated: an app's contract
 * need not reach them, and openapi.json must stand alone (test/contract/openapi.test.ts keeps the copies equal).
 */
export const subscriptionId: JsonSchema = { type: 'string', description: 'Names one kept push subscription.', pattern: '^wps_[0-9a-f]{16}$' };
export const publicKey: JsonSchema = {
  type: 'string',
  description: "The server's VAPID public key (an uncompressed P-256 point, base64url without padding).",
  pattern: '^[A-Za-z0-9_-]{87}$',
};
export const subscriptionJson: JsonSchema = {
  type: 'object',
  description: "A browser's push subscription as `PushSubscription.toJSON()` gives it.",
  additionalProperties: false,
  required: ['endpoint', 'keys'],
  properties: {
    endpoint: { type: 'string', format: 'uri', minLength: 8, maxLength: 2048, description: 'The push service URL (https).' },
    expirationTime: { type: ['number', 'null'], description: 'Epoch milliseconds, or null.' },
    keys: {
      type: 'object',
      description: "The subscription's encryption keys (RFC 8291).",
      additionalProperties: false,
      required: ['p256dh', 'auth'],
      properties: {
        p256dh: { type: 'string', pattern: '^[A-Za-z0-9_-]{86,88}={0,2}$', description: "The browser's P-256 public key, base64url." },
        auth: { type: 'string', pattern: '^[A-Za-z0-9_-]{22,24}={0,2}$', description: 'The 16-byte authentication secret, base64url.' },
      },
    },
  },
};

const subscriptionView: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'pushService', 'createdAt', 'expirationTime'],
  description: 'A kept subscription: no key material, and only the origin of its endpoint (a capability URL).',
  properties: {
    id: subscriptionId,
    pushService: { type: 'string', description: "The push service's origin." },
    createdAt: { type: 'string', format: 'date-time', description: 'When it was (last) registered.' },
    expirationTime: { oneOf: [{ type: 'number' }, { type: 'null' }], description: 'Epoch ms the browser gave, or null.' },
  },
};

export const webPushSchemas: Record<string, JsonSchema> = {
  WebPushPublicKeyAnswer: {
    type: 'object',
    additionalProperties: false,
    required: ['publicKey'],
    properties: { publicKey },
  },
  WebPushSubscriptionBody: subscriptionJson,
  WebPushSubscriptionView: subscriptionView,
  WebPushSubscriptionList: {
    type: 'object',
    additionalProperties: false,
    required: ['subscriptions'],
    properties: { subscriptions: { type: 'array', items: { $ref: 'WebPushSubscriptionView' }, description: 'Oldest first.' } },
  },
  WebPushReadBody: {
    type: 'object',
    additionalProperties: false,
    required: ['token'],
    properties: { token: { type: 'string', minLength: 1, maxLength: 4096, description: "The `readToken` of the push's payload." } },
  },
  WebPushRenewBody: {
    type: 'object',
    additionalProperties: false,
    required: ['oldEndpoint', 'oldAuth', 'subscription'],
    properties: {
      oldEndpoint: { type: 'string', description: "The replaced subscription's endpoint." },
      oldAuth: { type: 'string', description: "The replaced subscription's `keys.auth` (proves the browser held it)." },
      subscription: { $ref: 'WebPushSubscriptionBody' },
    },
  },
};

const unavailable = { description: 'Web Push is not enabled on this server (no VAPID keys), or no such subscription.', body: { $ref: 'ApiError' } };

export function webPushRoutes(userId: ApiParameter): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/api/v1/web-push/public-key',
      operationId: 'getWebPushPublicKey',
      summary: "The server's VAPID public key",
      description: 'The `applicationServerKey` a browser subscribes with (also in `connection_established`). No credential needed.',
      tag: 'Web Push',
      responses: { '200': { description: 'The key.', body: { $ref: 'WebPushPublicKeyAnswer' } }, '404': unavailable },
    },
    {
      method: 'post',
      path: '/api/v1/web-push/subscriptions',
      operationId: 'registerWebPushSubscription',
      summary: "Keep a browser's push subscription for the calling user",
      description:
        "With the user's own token. The body is `PushSubscription.toJSON()`; the endpoint must be https. Registering an endpoint already kept refreshes it (same id); past the per-user bound the oldest is dropped. The WebSocket action `register_web_push` does the same.",
      tag: 'Web Push',
      user: true,
      body: { schema: 'WebPushSubscriptionBody', description: 'What `PushSubscription.toJSON()` gives.' },
      responses: {
        '201': { description: 'Kept.', body: { $ref: 'WebPushSubscriptionView' } },
        '400': 'BadRequest',
        '401': 'Unauthorized',
        '404': unavailable,
        '422': 'OffContract',
      },
    },
    {
      method: 'delete',
      path: '/api/v1/web-push/subscriptions/{id}',
      operationId: 'unregisterWebPushSubscription',
      summary: "Forget one of the calling user's push subscriptions",
      tag: 'Web Push',
      user: true,
      parameters: [{ name: 'id', in: 'path', required: true, description: 'The subscription.', schema: subscriptionId }],
      responses: { '204': { description: 'Forgotten.' }, '401': 'Unauthorized', '404': unavailable },
    },
    {
      method: 'get',
      path: '/api/v1/users/{userId}/web-push/subscriptions',
      operationId: 'listWebPushSubscriptions',
      summary: "A user's push subscriptions",
      tag: 'Web Push',
      scope: 'read',
      parameters: [userId],
      responses: { '200': { description: 'Oldest first.', body: { $ref: 'WebPushSubscriptionList' } }, '400': 'BadRequest', '401': 'Unauthorized', '404': unavailable },
    },
    {
      method: 'post',
      path: '/api/v1/web-push/read',
      operationId: 'markReadFromWebPush',
      summary: 'Mark the notification of a read token read (the service worker, on a click)',
      description: "Credential-free: the token in the push's payload names one notification of one user and expires. May be sent as `text/plain` from any origin.",
      tag: 'Web Push',
      body: { schema: 'WebPushReadBody', description: 'The read token.' },
      responses: { '204': { description: 'Read; every device of the user was told.' }, '400': 'BadRequest', '401': 'Unauthorized', '404': unavailable },
    },
    {
      method: 'post',
      path: '/api/v1/web-push/subscriptions/renew',
      operationId: 'renewWebPushSubscription',
      summary: 'Replace a subscription the browser changed (the service worker, on pushsubscriptionchange)',
      description: "Credential-free: the old subscription's `keys.auth` secret proves the browser held it. May be sent as `text/plain` from any origin.",
      tag: 'Web Push',
      body: { schema: 'WebPushRenewBody', description: 'The old endpoint and secret, and the new subscription.' },
      responses: {
        '201': { description: 'The new subscription took the old one\'s place.', body: { $ref: 'WebPushSubscriptionView' } },
        '400': 'BadRequest',
        '404': unavailable,
        '422': 'OffContract',
      },
    },
    {
      method: 'get',
      path: '/sw.js',
      operationId: 'serviceWorker',
      summary: "notify's service worker (notify/sw.js)",
      tag: 'Web Push',
      responses: { '200': { description: 'The script.', text: { contentType: 'text/javascript', schema: { type: 'string' } } } },
    },
  ];
}
