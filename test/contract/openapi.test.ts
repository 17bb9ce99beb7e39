// openapi.json: valid OpenAPI 3.1, every served route documented, push bodies built from the contract's own schemas.
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOpenApi } from '../../src/codegen/openapi/index.js';
import { loadContractOrThrow } from '../../src/codegen/load-contract.js';
import { readContractModel } from '../../src/codegen/contract-model.js';
import { OpenApiResponseChecker } from '../support/openapi-responses.js';
import { publicKey, subscriptionId, subscriptionJson } from '../../src/codegen/openapi/web-push.js';
import { startServer } from '../support/server.js';
import { contractModel, makeTempDir, removeTempDir, repoRoot } from '../support/contract.js';

const addFormats = addFormatsModule.default;
/** A parsed JSON document, walked by key (any: the tests index it freely). */
type Json = Record<string, any>;

const contract = await contractModel();
const text = await readFile(path.join(repoRoot, 'generated', 'openapi.json'), 'utf8');
const doc = JSON.parse(text) as Json;
const notifications = contract.messages.filter((m) => m.kind === 'notification');

/** `schema` with its `{ $ref: name }` properties replaced by the schemas given. */
function cleanNames(schema: Json | undefined, refs: Record<string, unknown>): Json {
  const properties = Object.fromEntries(Object.entries((schema?.['properties'] ?? {}) as Json).map(([k, v]) => [k, refs[k] ?? v]));
  return { ...schema, properties };
}

function ajvFor(document: Json): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi.json');
  return ajv;
}

describe('generated/openapi.json', () => {
  it('is what the contract produces, and an independent OpenAPI 3.1 validator accepts it', async () => {
    expect(generateOpenApi(contract)).toBe(text);
    const validator = new Validator();
    expect(await validator.validate(doc)).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');
  });

  it('the validator is not a rubber stamp: it refuses a document with an operation lacking responses', async () => {
    const broken = structuredClone(doc);
    delete broken['paths']['/api/v1/users/{userId}/notifications']['post']['responses'];
    broken['info'] = { title: 'no version' };
    const result = await new Validator().validate(broken);
    expect(result.valid).toBe(false);
  });

  it('documents every route the server serves (the page and its assets, demo sign-in and SSE stream excepted)', async () => {
    const server = await startServer();
    const undocumentedByDesign = new Set(['GET /', 'GET /index.html', 'GET /assets/{file}', 'OPTIONS /assets/{file}', 'POST /demo/sign-in', 'GET /api/v1/notifications/stream']);
    try {
      const served = server.server.routes.map((r) => r.replace(/:([A-Za-z]+)/g, '{$1}')).filter((r) => !undocumentedByDesign.has(r));
      const documented = Object.entries(doc['paths'] as Json).flatMap(([p, item]) => Object.keys(item as Json).map((m) => `${m.toUpperCase()} ${p}`));
      expect(documented.sort()).toEqual(served.sort());
    } finally {
      await server.close();
    }
  });

  it('push body: a oneOf over every notification type, discriminated by type, with the contract\'s own data schemas', () => {
    const schemas = doc['components']['schemas'] as Json;
    const union = schemas['PushRequest'];
    expect(union.discriminator.propertyName).toBe('type');
    expect(Object.keys(union.discriminator.mapping)).toEqual(notifications.map((m) => m.wireName));
    expect(union.oneOf).toHaveLength(notifications.length);
    for (const message of notifications) {
      const ref = union.discriminator.mapping[message.wireName] as string;
      expect(union.oneOf).toContainEqual({ $ref: ref });
      const push = schemas[ref.split('/').pop()!];
      expect(push.properties.type).toEqual({ type: 'string', const: message.wireName });
      expect(push.properties.data).toEqual({ $ref: `#/components/schemas/${message.data!.schemaName}` });
      expect(push.additionalProperties).toBe(false);
      // The contract's schema itself, references pointing inside this document.
      const own = JSON.parse(JSON.stringify(contract.schemas.get(message.data!.schemaName)).replace(/"\$ref":"([^"#]+)"/g, '"$ref":"#/components/schemas/$1"'));
      expect(schemas[message.data!.schemaName]).toEqual(own);
    }
    expect(doc['paths']['/api/v1/users/{userId}/notifications']['post']['requestBody']['content']['application/json']['schema']).toEqual({ $ref: '#/components/schemas/PushRequest' });
  });

  it('every contract example is a valid push body; off-contract data is not', () => {
    const validate = ajvFor(doc).compile({ $ref: 'openapi.json#/components/schemas/PushRequest' });
    const validateMulti = ajvFor(doc).compile({ $ref: 'openapi.json#/components/schemas/MultiPushRequest' });
    let checked = 0;
    for (const message of notifications) {
      for (const example of message.examples) {
        const { type, data, category } = example.payload as Json;
        const body = category === undefined ? { type, data } : { type, data, category };
        expect(validate(body), `${message.wireName}: ${JSON.stringify(validate.errors)}`).toBe(true);
        expect(validateMulti({ ...body, users: ['a'] })).toBe(true);
        expect(validateMulti({ ...body, broadcast: true })).toBe(true);
        expect(validateMulti({ ...body, users: ['a'], broadcast: true })).toBe(false);
        expect(validateMulti(body)).toBe(false);
        expect(validate({ ...body, data: { ...data, extra: 1 } })).toBe(false);
        expect(validate({ ...body, users: ['a'] })).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(notifications.length);
    expect(validate({ type: 'info', data: { title: 't', message: 'm', priority: 'urgent' } })).toBe(false);
    expect(validate({ type: 'party', data: {} })).toBe(false);
  });

  it("restates the contract's Web Push schemas exactly (openapi.json stands alone even for an app's contract)", () => {
    expect(subscriptionJson).toEqual(cleanNames(contract.schemas.get('WebPushSubscriptionJson'), { keys: contract.schemas.get('WebPushSubscriptionKeys') }));
    expect(subscriptionId).toEqual(contract.schemas.get('WebPushSubscriptionId'));
    expect(publicKey).toEqual(contract.schemas.get('WebPushPublicKey'));
  });

  it("security: every service route names its scope (API key, push token or service JWT, as bearer or X-Auth-Token) and answers 401/403/429; a user's token on their own Web Push subscriptions; status routes are open", () => {
    expect(doc['components']['securitySchemes']).toMatchObject({
      serviceToken: { type: 'http', scheme: 'bearer' },
      serviceTokenHeader: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
    });
    const isService = (p: string): boolean => ['/api/v1/users', '/api/v1/topics', '/api/v1/notifications', '/api/v1/keys', '/api/v1/webhooks'].some((prefix) => p.startsWith(prefix));
    const userRoute = (p: string): boolean => /^\/api\/v1\/web-push\/subscriptions(\/\{id\})?$/.test(p);
    expect(doc['components']['securitySchemes']['userToken']).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    let scoped = 0;
    for (const [p, item] of Object.entries(doc['paths'] as Json)) {
      for (const op of Object.values(item as Json) as Json[]) {
        if (!isService(p)) {
          expect(op['security'], p).toEqual(userRoute(p) ? [{ userToken: [] }] : []);
          continue;
        }
        scoped++;
        const scope = op['x-notify-scope'];
        expect(['push', 'read', 'admin'], p).toContain(scope);
        expect(op['security'], p).toEqual([{ serviceToken: [scope] }, { serviceTokenHeader: [scope] }]);
        expect(op['responses'], p).toMatchObject({ '401': { $ref: '#/components/responses/Unauthorized' }, '403': { $ref: '#/components/responses/Forbidden' }, '429': { $ref: '#/components/responses/RateLimited' } });
      }
    }
    expect(scoped).toBeGreaterThan(10);
    expect(Object.keys(doc['components']['responses']['RateLimited']['headers'])).toEqual(['Retry-After', 'RateLimit', 'RateLimit-Policy']);
  });

  it('every operation with a request body answers 400 (bad JSON) and 413 (too large), as every body the server reads can', () => {
    let bodies = 0;
    for (const [p, item] of Object.entries(doc['paths'] as Json)) {
      for (const op of Object.values(item as Json) as Json[]) {
        if (op['requestBody'] === undefined) continue;
        bodies++;
        expect(Object.keys(op['responses']), p).toEqual(expect.arrayContaining(['400', '413']));
      }
    }
    expect(bodies).toBeGreaterThan(10);
  });
});

describe('the response checker of the REST suite', () => {
  const checker = new OpenApiResponseChecker();
  const json = 'application/json; charset=utf-8';
  it('accepts a documented answer and refuses a wrong body, an undocumented status and a wrong media type', () => {
    expect(() => checker.check('POST', '/api/v1/users/a/notifications', 201, json, '{"id":"0000000000000001","timestamp":1,"delivered":0}')).not.toThrow();
    expect(() => checker.check('POST', '/api/v1/users/a/notifications', 201, json, '{"id":"0000000000000001","timestamp":1}')).toThrow(/does not match/);
    expect(() => checker.check('POST', '/api/v1/users/a/notifications', 418, json, '{}')).toThrow(/not documented/);
    expect(() => checker.check('GET', '/api/status/ping', 200, json, '"pong"')).toThrow(/content-type/);
    expect(() => checker.check('POST', '/api/v1/users/a/notifications/1/read', 204, null, 'x')).toThrow(/without a body/);
    expect(() => checker.check('POST', '/api/v1/users/a/notifications', 422, json, '{"error":"off_contract","message":"m","details":[{"pointer":"/data","message":"x"}]}')).not.toThrow();
    expect(() => checker.check('POST', '/api/v1/users/a/notifications', 401, json, '{"error":"nope","message":"m"}')).toThrow(/does not match/);
  });
});

describe('an app contract whose data schema lives in another file', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await makeTempDir('notify-openapi-app-');
    await mkdir(path.join(tmp, 'schemas'));
    await writeFile(path.join(tmp, 'schemas', 'orders.yaml'), [
      'OrderShippedData:',
      '  type: object',
      '  additionalProperties: false',
      '  required: [orderId, trackingUrl]',
      '  properties:',
      '    orderId: { type: string, minLength: 1 }',
      '    trackingUrl: { type: string, format: uri }',
      '',
    ].join('\n'));
    await writeFile(path.join(tmp, 'asyncapi.yaml'), [
      'asyncapi: 3.0.0',
      'info: { title: shop, version: 2.1.0 }',
      'channels:',
      '  notifications:',
      '    address: /api/v1/notifications',
      '    messages:',
      "      orderShipped: { $ref: '#/components/messages/orderShipped' }",
      'operations:',
      '  sendNotifications:',
      '    action: send',
      "    channel: { $ref: '#/channels/notifications' }",
      "    messages: [ { $ref: '#/channels/notifications/messages/orderShipped' } ]",
      'components:',
      '  messages:',
      '    orderShipped:',
      '      name: order_shipped',
      '      title: Order shipped',
      "      payload: { $ref: '#/components/schemas/OrderShippedNotification' }",
      '      examples:',
      '        - name: shipped',
      '          payload: { type: order_shipped, id: "1", timestamp: 1, data: { orderId: A-1, trackingUrl: "https://t.example/1" } }',
      '  schemas:',
      '    OrderShippedData:',
      "      $ref: './schemas/orders.yaml#/OrderShippedData'",
      '    OrderShippedNotification:',
      '      type: object',
      '      additionalProperties: false',
      '      required: [type, id, timestamp, data]',
      '      properties:',
      '        type: { type: string, const: order_shipped }',
      '        id: { type: string }',
      '        timestamp: { type: integer }',
      "        data: { $ref: '#/components/schemas/OrderShippedData' }",
      '',
    ].join('\n'));
  });
  afterAll(async () => {
    await removeTempDir(tmp);
  });

  it("describes the app's catalog, not the built-in one, and stays valid", async () => {
    const app = JSON.parse(generateOpenApi(readContractModel(await loadContractOrThrow(path.join(tmp, 'asyncapi.yaml'))))) as Json;
    expect(app['info']).toMatchObject({ title: 'shop HTTP API', version: '2.1.0' });
    const schemas = app['components']['schemas'] as Json;
    expect(Object.keys(schemas['PushRequest'].discriminator.mapping)).toEqual(['order_shipped']);
    expect(schemas['InfoPush']).toBeUndefined();
    expect(schemas['OrderShippedData'].properties.trackingUrl).toEqual({ type: 'string', format: 'uri' });
    expect(await new Validator().validate(app)).toEqual({ valid: true });
    const validate = ajvFor(app).compile({ $ref: 'openapi.json#/components/schemas/PushRequest' });
    expect(validate({ type: 'order_shipped', data: { orderId: 'A-1', trackingUrl: 'https://t.example/1' } })).toBe(true);
    expect(validate({ type: 'order_shipped', data: { orderId: 'A-1' } })).toBe(false);
  });
});
