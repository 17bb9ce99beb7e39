// openapi.json (OpenAPI 3.1) for the HTTP API, from the contract's catalog: push bodies use its own data schemas.
import type { ContractMessage, ContractModel, JsonSchema } from '../contract-model.js';
import { generatedHeader, pascalCase } from '../naming.js';
import { apiRoutes, apiSchemas, errorResponses, type ApiResponse, type ApiRoute } from './routes.js';
import { pushTimingProperties } from './timing.js';
import { webhookSchemas } from './webhooks.js';
import { displayTemplatesSchema } from './display.js';

const schemaPrefix = '#/components/schemas/';

/** `{ $ref: 'Name' }` (the contract model's form, and the route table's) → `{ $ref: '#/components/schemas/Name' }`. */
function pointRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(pointRefs);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) out[key] = schemaPrefix + value;
    else out[key] = key === 'enum' || key === 'const' || key === 'examples' ? value : pointRefs(value);
  }
  return out;
}

/** Named schemas reachable from `roots` through `{ $ref: name }`. */
function reachable(roots: readonly string[], schemas: ReadonlyMap<string, JsonSchema>): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && schemas.has(child) && !found.has(child)) {
        found.add(child);
        visit(schemas.get(child));
      } else if (key !== 'enum' && key !== 'const' && key !== 'examples') visit(child);
    }
  };
  visit(roots.map(($ref) => ({ $ref })));
  return [...found].sort();
}

/**
 * The push body of one type: the contract's own `type`, `data` and `category` field schemas (the category one of the
 * catalog's), closed; with an audience ('multi': `users` or `broadcast`; 'batch': a batch item's `user`, `users` or
 * `topic` and its `idempotencyKey`).
 */
function pushSchema(message: ContractMessage, schemas: ReadonlyMap<string, JsonSchema>, categories: readonly string[], audience: false | 'multi' | 'batch'): JsonSchema {
  const envelope = schemas.get(message.payloadSchemaName)?.['properties'] as Record<string, unknown> | undefined;
  const field = (name: string): unknown => envelope?.[name];
  const properties: JsonSchema = { type: field('type'), data: field('data') };
  if (field('category') !== undefined) {
    properties['category'] = { type: 'string', enum: categories, description: 'One of the catalog\'s categories (`info.x-notify-categories`, "general" always); any other is 422.' };
  }
  properties['critical'] = { type: 'boolean', description: "Delivered whatever the recipients' preferences (default false)." };
  Object.assign(properties, pushTimingProperties);
  const schema: JsonSchema = {
    type: 'object',
    title: `${message.title} push`,
    description: message.description || message.summary,
    additionalProperties: false,
    required: ['type', 'data'],
    properties,
  };
  if (!audience) return schema;
  properties['users'] = { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 256 }, description: 'Recipients (duplicates are pushed once).' };
  if (audience === 'batch') {
    properties['user'] = { type: 'string', minLength: 1, maxLength: 256, description: 'One recipient.' };
    properties['topic'] = { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$', description: "The topic's subscribers (no `idempotencyKey`)." };
    properties['idempotencyKey'] = {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: "This item's Idempotency-Key: a retry with the same key for the same user answers the first push (`replayed: true`) and stores nothing new. Not with `deliverAt` or `topic`.",
    };
    return { ...schema, title: `${message.title} batch item`, oneOf: [{ required: ['user'] }, { required: ['users'] }, { required: ['topic'] }] };
  }
  properties['broadcast'] = { const: true, description: 'Every user the store knows.' };
  return { ...schema, oneOf: [{ required: ['users'] }, { required: ['broadcast'] }] };
}

function examplesFor(notifications: readonly ContractMessage[], shape: 'single' | 'multi' | 'batch'): Record<string, { summary: string; value: unknown }> {
  const examples: Record<string, { summary: string; value: unknown }> = {};
  for (const message of notifications) {
    for (const example of message.examples) {
      const payload = example.payload as { type: string; data: unknown; category?: string };
      const push = { type: payload.type, data: payload.data, ...(payload.category === undefined ? {} : { category: payload.category }) };
      const value =
        shape === 'batch'
          ? { items: [{ user: 'alice', ...push, idempotencyKey: 'order-42-alice' }, { users: ['bob', 'carol'], ...push }] }
          : { ...(shape === 'multi' ? { users: ['alice', 'bob'] } : {}), ...push };
      examples[`${message.wireName}.${example.name}`] = { summary: example.summary || message.title, value };
    }
  }
  return examples;
}

function response(value: ApiResponse): JsonSchema {
  const out: JsonSchema = { description: value.description };
  if (value.headers) out['headers'] = Object.fromEntries(Object.entries(value.headers).map(([name, h]) => [name, { description: h.description, schema: h.schema }]));
  if (value.body) out['content'] = { 'application/json': { schema: pointRefs(value.body) } };
  if (value.text) out['content'] = { [value.text.contentType]: { schema: value.text.schema } };
  return out;
}

function operation(route: ApiRoute, notifications: readonly ContractMessage[]): JsonSchema {
  const op: JsonSchema = { operationId: route.operationId, summary: route.summary, tags: [route.tag] };
  if (route.description) op['description'] = route.description;
  if (route.parameters?.length) op['parameters'] = route.parameters.map((p) => ({ ...p, required: p.in === 'path' ? true : (p.required ?? false) }));
  if (route.body) {
    const media: JsonSchema = { schema: { $ref: schemaPrefix + route.body.schema } };
    if (route.body.examples) media['examples'] = examplesFor(notifications, route.body.examples);
    op['requestBody'] = { required: true, description: route.body.description, content: { 'application/json': media } };
  }
  // A route with a body may answer 400 (not JSON) and 413 (over the limit): readJsonBody, whatever the route.
  const bodied: ApiRoute['responses'] = route.body ? { '400': 'BadRequest', '413': 'PayloadTooLarge', ...route.responses } : route.responses;
  // A route that requires a scope may also answer 401, 403 and 429 (authorize() before anything else).
  const responses: ApiRoute['responses'] = route.scope ? { ...bodied, '401': 'Unauthorized', '403': 'Forbidden', '429': 'RateLimited' } : bodied;
  op['responses'] = Object.fromEntries(
    Object.entries(responses).map(([status, value]) => [status, typeof value === 'string' ? { $ref: `#/components/responses/${value}` } : response(value)]),
  );
  // OpenAPI 3.1 lets a non-OAuth requirement list the roles it needs: here, the scope.
  op['security'] = route.scope ? [{ serviceToken: [route.scope] }, { serviceTokenHeader: [route.scope] }] : route.user ? [{ userToken: [] }] : [];
  if (route.scope) op['x-notify-scope'] = route.scope;
  return op;
}

function httpUrl(url: string): string {
  return url.replace(/^wss:/, 'https:').replace(/^ws:/, 'http:').replace(/\/$/, '');
}

/** The OpenAPI 3.1 document of the HTTP API for this contract's catalog, as JSON text. Same contract, same bytes. */
export function generateOpenApi(contract: ContractModel, routes: readonly ApiRoute[] = apiRoutes): string {
  const notifications = contract.messages.filter((m) => m.kind === 'notification');
  const schemas = contract.schemas;
  const catalog: Record<string, JsonSchema> = {};
  const pushNames: string[] = [];
  const multiNames: string[] = [];
  const batchNames: string[] = [];
  for (const message of notifications) {
    const name = `${pascalCase(message.wireName)}Push`;
    catalog[name] = pushSchema(message, schemas, contract.categories, false);
    catalog[`${pascalCase(message.wireName)}MultiPush`] = pushSchema(message, schemas, contract.categories, 'multi');
    catalog[`${pascalCase(message.wireName)}BatchItem`] = pushSchema(message, schemas, contract.categories, 'batch');
    pushNames.push(name);
    multiNames.push(`${pascalCase(message.wireName)}MultiPush`);
    batchNames.push(`${pascalCase(message.wireName)}BatchItem`);
  }
  const union = (names: string[], description: string): JsonSchema => ({
    description,
    oneOf: names.map((n) => ({ $ref: n })),
    discriminator: { propertyName: 'type', mapping: Object.fromEntries(notifications.map((m, i) => [m.wireName, schemaPrefix + names[i]!])) },
  });
  catalog['PushRequest'] = union(pushNames, 'A notification of one of the catalog\'s types; `data` is that type\'s schema from the contract.');
  catalog['MultiPushRequest'] = union(multiNames, 'A notification with its audience: `users` or `broadcast: true`.');
  catalog['BatchPushItem'] = union(batchNames, 'One push of a batch: a notification with its audience (`user`, `users` or `topic`) and its own `idempotencyKey`.');
  catalog['BatchPushRequest'] = {
    type: 'object',
    additionalProperties: false,
    required: ['items'],
    properties: { items: { type: 'array', minItems: 1, maxItems: 1000, items: { $ref: 'BatchPushItem' }, description: 'Independent pushes, answered in this order.' } },
  };
  catalog['Notification'] = union(notifications.map((m) => m.payloadSchemaName), 'A stored notification, as clients receive it.');
  catalog['DisplayTemplates'] = displayTemplatesSchema(notifications);

  const webhooks = contract.messages.filter((m) => m.kind === 'webhook');
  const own = { ...apiSchemas, ...webhookSchemas(webhooks.map((m) => m.wireName)), ...catalog };
  // OpenAPI 3.1 `webhooks`: what notify POSTs to a registered endpoint, one entry per event type of the contract.
  const webhookOperations = Object.fromEntries(
    webhooks.map((m) => [
      m.wireName,
      {
        post: {
          operationId: `on${pascalCase(m.wireName)}`,
          summary: m.summary,
          description: `${m.description} Signed per Standard Webhooks (headers \`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature\`).`,
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: schemaPrefix + m.payloadSchemaName } } } },
          responses: { '2XX': { description: 'Taken; anything else (or no answer within the timeout) is retried.' } },
        },
      },
    ]),
  );
  const fromContract = reachable([...Object.values(own).flatMap(refsIn), ...webhooks.map((m) => m.payloadSchemaName)], schemas);
  const components: Record<string, unknown> = {};
  for (const name of fromContract) {
    if (name in own) throw new Error(`the contract's schema ${name} has the name of an HTTP API schema; rename it`);
    components[name] = pointRefs(schemas.get(name));
  }
  for (const [name, schema] of Object.entries(own)) components[name] = pointRefs(schema);

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route, notifications);

  const document = {
    // JSON has no comments: the "do not edit" stamp is an extension field, first in the file.
    'x-generated': generatedHeader.replace(/^\/\/ /, '').trim(),
    openapi: '3.1.0',
    info: {
      title: `${contract.title} HTTP API`,
      version: contract.version,
      description: `Push notifications to users of ${contract.title} and read their state. Generated from the AsyncAPI contract by \`notify generate\`: the push body is a \`oneOf\` over the catalog's notification types, discriminated by \`type\`, with the contract's own \`data\` schemas. Errors are \`{error, message, details?}\`.`,
    },
    servers: contract.servers.map((s) => ({ url: httpUrl(s.url), description: s.description })),
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    ...(webhooks.length > 0 && { webhooks: webhookOperations }),
    components: {
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      responses: Object.fromEntries(
        Object.entries(errorResponses).map(([name, r]) => [
          name,
          { ...response({ description: r.description, ...(r.headers ? { headers: r.headers } : {}) }), content: { 'application/json': { schema: { $ref: schemaPrefix + r.schema } } } },
        ]),
      ),
      securitySchemes: {
        serviceToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'As `Authorization: Bearer <credential>`: an API key (`nk_…`, from `notify keys create` or `POST /api/v1/keys`) holding the scope the operation lists (`admin` holds every scope); or the push token (`--push-token`, every scope); or a JWT with scope `notify:push` (push and read), `notify:read` or `notify:admin`.',
        },
        serviceTokenHeader: { type: 'apiKey', in: 'header', name: 'X-Auth-Token', description: 'The same credential in `X-Auth-Token`.' },
        userToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "A user's own token (the one their devices connect with), as `Authorization: Bearer <token>`." },
      },
    },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Names referenced (`{ $ref: name }`) anywhere in a schema of the route table or catalog. */
function refsIn(schema: unknown): string[] {
  const names: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') names.push(child);
      else if (key !== 'enum' && key !== 'const' && key !== 'examples') visit(child);
    }
  };
  visit(schema);
  return names;
}
