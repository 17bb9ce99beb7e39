// Reads the parsed contract into the plain facts the generators and docs need: messages, direction, schemas.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AsyncAPIDocumentInterface, MessageInterface, SecuritySchemeInterface } from '@asyncapi/parser';
import { parse } from 'yaml';
import type { DisplayTemplateSet } from '../client/display.js';
import { packageRoot } from '../paths.js';
import { displayExtension, readDisplayTemplates } from './display-templates.js';

export type JsonSchema = { [key: string]: unknown };

/** What a message is, from the server's point of view. */
export type MessageKind =
  | 'notification' // server → client, stored, has an id
  | 'control' // server → client, not stored
  | 'action' // client → server JSON object with an `action`
  | 'text' // client → server bare text frame
  | 'webhook'; // notify → the app's backend, an HTTP POST (an operation with an `http` binding)

export interface ContractMessage {
  /** Key under components.messages (camelCase), used for identifiers. */
  key: string;
  /** Message name on the wire: the `type` const (a webhook's event type), the `action` const, or the text itself. */
  wireName: string;
  kind: MessageKind;
  title: string;
  summary: string;
  description: string;
  contentType: string;
  /** Payload schema with parser extensions removed, references inlined. */
  payload: JsonSchema;
  /** Component schema name of the payload, which is also its Modelina model name. */
  payloadSchemaName: string;
  /** For notifications: the schema of `data`, and its component name. */
  data?: { schema: JsonSchema; schemaName: string };
  /** For notifications: when a push of this type also goes out as Web Push (`x-notify-web-push`, default `offline`). */
  webPush?: WebPushMode;
  /** For notifications: how the type is shown (`x-notify-display`), checked against `data`; undefined when it has none. */
  display?: DisplayTemplateSet;
  examples: { name: string; summary: string; payload: unknown }[];
}

export interface ContractModel {
  /** Every named schema under components.schemas, named sub-schemas replaced by `$ref` to their name. */
  schemas: Map<string, JsonSchema>;
  title: string;
  version: string;
  description: string;
  messages: ContractMessage[];
  closeCodes: CloseCode[];
  /** The categories users may turn off (`info.x-notify-categories`), "general" always among them; sorted. */
  categories: string[];
  channelAddress: string;
  servers: { name: string; url: string; description: string }[];
  securitySchemes: { name: string; type: string; in?: string; paramName?: string; scheme?: string; description: string }[];
}

/** One entry of `info.x-close-codes`. */
export interface CloseCode {
  code: number;
  /** The reason sent with the code. */
  reason: string;
  /** Further reasons the server may send with the same code (`otherReasons`). */
  otherReasons: string[];
  description: string;
  /** False: the client should not reconnect. */
  reconnect: boolean;
  /** The client should get a new token before it reconnects. */
  reauthenticate: boolean;
}

/** When a notification type goes out as Web Push: with no live connection of the user, always, or never. */
export type WebPushMode = 'offline' | 'always' | 'never';
const webPushModes: readonly WebPushMode[] = ['offline', 'always', 'never'];

/** A message's `x-notify-web-push`; absent means `offline`. */
function readWebPushMode(message: MessageInterface, kind: MessageKind): WebPushMode | undefined {
  const value = message.extensions().get('x-notify-web-push')?.value();
  if (kind !== 'notification') {
    if (value !== undefined) throw new Error(`message ${message.id()}: x-notify-web-push belongs on notification types only`);
    return undefined;
  }
  if (value === undefined) return 'offline';
  if (!webPushModes.includes(value as WebPushMode)) throw new Error(`message ${message.id()}: x-notify-web-push must be one of ${webPushModes.join(', ')} (got ${JSON.stringify(value)})`);
  return value as WebPushMode;
}

/** What a client does after a close code: `stop` (do not reconnect), `reauthenticate` (new token, then reconnect), `retry` (back off, reconnect). */
export type CloseAdvice = 'stop' | 'reauthenticate' | 'retry';

export function closeAdviceOf(closeCode: CloseCode): CloseAdvice {
  if (!closeCode.reconnect) return 'stop';
  return closeCode.reauthenticate ? 'reauthenticate' : 'retry';
}

const parserKeyPrefix = 'x-parser-';
const schemaIdKey = 'x-parser-schema-id';

function isNamedId(id: unknown): id is string {
  return typeof id === 'string' && !/^<anonymous/.test(id) && !/^AnonymousSchema/.test(id);
}

/**
 * A schema's name: its `$id` (the protocol's schemas carry one, so their names survive a `$ref` from another
 * file, where the parser would call them anonymous), else the parser's component key.
 */
export function schemaIdOf(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object') return undefined;
  return (schema as JsonSchema)['$id'] ?? (schema as JsonSchema)[schemaIdKey];
}

/** Parser keys and `$id` (a name, re-set by the validator generator) are not part of a schema's meaning here. */
function isDropped(key: string): boolean {
  return key.startsWith(parserKeyPrefix) || key === '$id';
}

/** Like {@link cleanSchema}, but nested named schemas (all but the root) become `{ $ref: name }`. */
export function referencingSchema(schema: unknown, root = true): unknown {
  if (Array.isArray(schema)) return schema.map((item) => referencingSchema(item, false));
  if (schema === null || typeof schema !== 'object') return schema;
  const id = schemaIdOf(schema);
  if (!root && isNamedId(id)) return { $ref: id };
  const out: JsonSchema = {};
  for (const [key, child] of Object.entries(schema)) {
    if (isDropped(key)) continue;
    // `examples`, `enum` and `const` hold data, not schemas.
    out[key] = key === 'examples' || key === 'enum' || key === 'const' ? strip(child) : referencingSchema(child, false);
  }
  return out;
}

/** Deep-clones a schema without the parser's `x-parser-*` keys (ajv strict mode rejects them) and names (`$id`). */
export function cleanSchema(schema: unknown): JsonSchema {
  return strip(schema) as JsonSchema;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonSchema = {};
  for (const [key, child] of Object.entries(value)) {
    if (!isDropped(key)) out[key] = strip(child);
  }
  return out;
}

function schemaName(schema: unknown, where: string): string {
  const id = schemaIdOf(schema);
  if (!isNamedId(id)) {
    throw new Error(`${where}: the payload must be a named schema under components.schemas (got ${String(id)}); inline schemas make anonymous type names`);
  }
  return id;
}

function constOf(schema: JsonSchema, property: string): string | undefined {
  const props = schema['properties'] as Record<string, JsonSchema> | undefined;
  const value = props?.[property]?.['const'];
  return typeof value === 'string' ? value : undefined;
}

function classify(message: MessageInterface, direction: string, payload: JsonSchema, overHttp: boolean): { kind: MessageKind; wireName: string } {
  const where = `message ${message.id()}`;
  if (overHttp) {
    const type = constOf(payload, 'type');
    if (!type || direction !== 'send') throw new Error(`${where}: a webhook event is sent (action: send) and needs a \`type\` property with a const value`);
    return { kind: 'webhook', wireName: type };
  }
  if (direction === 'receive' || direction === 'publish') {
    if (payload['type'] === 'string' && typeof payload['const'] === 'string') return { kind: 'text', wireName: payload['const'] };
    const action = constOf(payload, 'action');
    if (!action) throw new Error(`${where}: a client message needs an \`action\` property with a const value`);
    return { kind: 'action', wireName: action };
  }
  const type = constOf(payload, 'type');
  if (!type) throw new Error(`${where}: a server message needs a \`type\` property with a const value`);
  const required = (payload['required'] as string[] | undefined) ?? [];
  return { kind: required.includes('id') ? 'notification' : 'control', wireName: type };
}

export interface ReadContractOptions {
  /**
   * `throw` (the default: generate, docs, serve's checks): display templates that do not fit their data make the
   * contract unusable. `keep`: read them as far as they go (notify diff, which compares contracts, valid or not).
   */
  displayProblems?: 'throw' | 'keep';
}

/** Extracts every message of the contract, ordered by operation then message, as the document lists them. */
export function readContractModel(document: AsyncAPIDocumentInterface, options: ReadContractOptions = {}): ContractModel {
  const messages: ContractMessage[] = [];
  const displayProblems: string[] = [];
  const seen = new Set<string>();
  for (const operation of document.operations().all()) {
    const direction = operation.action();
    // Webhooks are the operations bound to HTTP (POSTs to the app's backend); the rest is the WebSocket.
    const overHttp = operation.bindings().has('http');
    for (const message of operation.messages().all()) {
      if (seen.has(message.id())) continue;
      seen.add(message.id());
      const rawPayload = message.payload()?.json();
      if (!rawPayload) throw new Error(`message ${message.id()} has no payload`);
      const payload = cleanSchema(rawPayload);
      const { kind, wireName } = classify(message, direction, payload, overHttp);
      const dataSchema = (rawPayload as JsonSchema)['properties'] as Record<string, unknown> | undefined;
      const data =
        kind === 'notification' && dataSchema?.['data']
          ? { schema: cleanSchema(dataSchema['data']), schemaName: schemaName(dataSchema['data'], `message ${message.id()} data`) }
          : undefined;
      const rawDisplay: unknown = message.extensions().get(displayExtension)?.value();
      let display: ContractMessage['display'];
      if (rawDisplay !== undefined && kind !== 'notification') {
        displayProblems.push(`message ${wireName} (components.messages.${message.id()}) ${displayExtension}: only notification messages are displayed`);
      } else if (rawDisplay !== undefined) {
        const read = readDisplayTemplates(rawDisplay, { key: message.id(), wireName, data });
        displayProblems.push(...read.problems);
        display = read.templates;
      }
      messages.push({
        key: message.id(),
        wireName,
        kind,
        title: message.title() ?? wireName,
        summary: message.summary() ?? '',
        description: message.description() ?? '',
        contentType: message.contentType() ?? document.defaultContentType() ?? 'application/json',
        payload,
        payloadSchemaName: schemaName(rawPayload, `message ${message.id()}`),
        data,
        ...(display ? { display } : {}),
        webPush: readWebPushMode(message, kind),
        examples: message.examples().all().map((example, index) => ({
          name: example.name() ?? `example${index + 1}`,
          summary: example.summary() ?? '',
          payload: example.payload(),
        })),
      });
    }
  }
  if (displayProblems.length && options.displayProblems !== 'keep') {
    throw new Error(`${displayExtension}: ${displayProblems.length} template problem${displayProblems.length > 1 ? 's' : ''}:\n${displayProblems.map((p) => `  ${p}`).join('\n')}`);
  }
  const wireNames = new Map<string, string>();
  for (const m of messages) {
    const slot = `${m.kind === 'action' || m.kind === 'text' ? 'in' : m.kind === 'webhook' ? 'webhook' : 'out'}:${m.wireName}`;
    const other = wireNames.get(slot);
    if (other) throw new Error(`messages ${other} and ${m.key} share the wire name "${m.wireName}"`);
    wireNames.set(slot, m.key);
  }
  const info = document.info();
  const channel = document.channels().all()[0];
  const schemas = new Map<string, JsonSchema>();
  for (const schema of document.components().schemas().all()) {
    schemas.set(schema.id(), referencingSchema(schema.json()) as JsonSchema);
  }
  // Named schemas reached through a `$ref` into another file (the protocol's) are not components of this document.
  for (const message of messages) collectNamedSchemas(document.allMessages().get(message.key)?.payload()?.json(), schemas);
  specializeAnyNotification(schemas, messages);
  return {
    schemas,
    title: info.title(),
    version: info.version(),
    description: info.description() ?? '',
    messages,
    closeCodes: readCloseCodes(closeCodesExtension(document)),
    categories: readCategories(info.extensions().get('x-notify-categories')?.value()),
    channelAddress: channel?.address() ?? '',
    servers: document.servers().all().map((s) => ({ name: s.id(), url: s.url(), description: s.description() ?? '' })),
    securitySchemes: readSecuritySchemes(document),
  };
}

/** Adds every named schema under `schema` (itself included) to `into`, each with its named sub-schemas as `$ref`s. */
function collectNamedSchemas(schema: unknown, into: Map<string, JsonSchema>, seen = new Set<unknown>()): void {
  if (schema === null || typeof schema !== 'object' || seen.has(schema)) return;
  seen.add(schema);
  if (Array.isArray(schema)) {
    for (const item of schema) collectNamedSchemas(item, into, seen);
    return;
  }
  const id = schemaIdOf(schema);
  if (isNamedId(id) && !into.has(id)) into.set(id, referencingSchema(schema) as JsonSchema);
  for (const [key, child] of Object.entries(schema)) {
    if (key !== 'examples' && key !== 'enum' && key !== 'const' && !isDropped(key)) collectNamedSchemas(child, into, seen);
  }
}

/**
 * The protocol's `AnyNotification` (what snapshots and pages carry) is an envelope open to any catalog. For a
 * contract with a catalog it becomes the union of that catalog's notifications, so the validators generated from
 * it check every notification inside a snapshot or page against its own type.
 */
function specializeAnyNotification(schemas: Map<string, JsonSchema>, messages: readonly ContractMessage[]): void {
  const envelope = schemas.get('AnyNotification');
  const notifications = messages.filter((m) => m.kind === 'notification');
  if (!envelope || notifications.length === 0) return;
  schemas.set('AnyNotification', {
    description: 'Any notification type of this catalog.',
    oneOf: notifications.map((m) => ({ $ref: m.payloadSchemaName })),
  });
}

/** The close codes live on the protocol's channel (`x-close-codes`), so an app's contract gets them by its `$ref`. */
function closeCodesExtension(document: AsyncAPIDocumentInterface): unknown {
  for (const channel of document.channels().all()) {
    const value = channel.extensions().get('x-close-codes')?.value();
    if (value !== undefined) return value;
  }
  return document.info().extensions().get('x-close-codes')?.value();
}

let protocolSchemes: Record<string, unknown> | undefined;

/** The installed protocol's named security schemes, read once. */
function protocolSecuritySchemes(): Record<string, unknown> {
  if (!protocolSchemes) {
    const file = path.join(packageRoot, 'protocol.yaml');
    const root = existsSync(file) ? (parse(readFileSync(file, 'utf8')) as { components?: { securitySchemes?: Record<string, unknown> } }) : {};
    protocolSchemes = root.components?.securitySchemes ?? {};
  }
  return protocolSchemes;
}

/**
 * Security schemes in the order the servers list them, then any other component. A scheme reached through a
 * `$ref` into the protocol has no component key here; it is named after where it is read.
 */
function readSecuritySchemes(document: AsyncAPIDocumentInterface): ContractModel['securitySchemes'] {
  const out: ContractModel['securitySchemes'] = [];
  const seen = new Set<string>();
  const add = (s: SecuritySchemeInterface, name: string | undefined): void => {
    const where = `${s.type()}:${s.in() ?? ''}:${s.name() ?? s.scheme() ?? ''}`;
    if (seen.has(where)) return;
    seen.add(where);
    out.push({
      name: name || (s.in() ? `${s.in()} ${s.name() ?? ''}`.trim() : s.scheme() ?? s.type()),
      type: s.type(),
      in: s.in(),
      paramName: s.name(),
      scheme: s.scheme(),
      description: s.description() ?? '',
    });
  };
  const components = document.components().securitySchemes().all();
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(cleanSchema(a)) === JSON.stringify(cleanSchema(b));
  // A scheme reached through a `$ref` into the protocol keeps the name the protocol gives it.
  const componentName = (s: SecuritySchemeInterface): string | undefined =>
    components.find((c) => same(c.json(), s.json()))?.id() ?? Object.entries(protocolSecuritySchemes()).find(([, raw]) => same(raw, s.json()))?.[0];
  for (const server of document.servers().all()) {
    for (const requirements of server.security()) for (const requirement of requirements.all()) add(requirement.scheme(), componentName(requirement.scheme()));
  }
  for (const s of components) add(s, s.id());
  return out;
}

/** The uncategorised pushes' category: known to every catalog, so users can turn uncategorised pushes off too. */
const generalCategory = 'general';

/** `x-notify-categories`: a list of category names (1–64 characters); absent means only "general". */
function readCategories(value: unknown): string[] {
  if (value === undefined) return [generalCategory];
  const valid = Array.isArray(value) && value.every((c) => typeof c === 'string' && c.length >= 1 && c.length <= 64);
  if (!valid) throw new Error('info.x-notify-categories must be a list of category names (strings of 1–64 characters)');
  return [...new Set([...(value as string[]), generalCategory])].sort();
}

function readCloseCodes(value: unknown): CloseCode[] {
  if (!Array.isArray(value)) return [];
  return value.map((entry) => {
    const e = entry as Record<string, unknown>;
    const otherReasons = Array.isArray(e['otherReasons']) ? e['otherReasons'].map(String) : [];
    return {
      code: Number(e['code']),
      reason: String(e['reason'] ?? ''),
      otherReasons,
      description: String(e['description'] ?? ''),
      reconnect: e['reconnect'] === true,
      reauthenticate: e['reauthenticate'] === true,
    };
  });
}
