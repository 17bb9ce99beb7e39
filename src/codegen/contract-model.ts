// Reads the parsed contract into the plain facts the generators and docs need: messages, direction, schemas.
import type { AsyncAPIDocumentInterface, MessageInterface } from '@asyncapi/parser';

export type JsonSchema = { [key: string]: unknown };

/** What a message is, from the server's point of view. */
export type MessageKind =
  | 'notification' // server → client, stored, has an id
  | 'control' // server → client, not stored
  | 'action' // client → server JSON object with an `action`
  | 'text'; // client → server bare text frame

export interface ContractMessage {
  /** Key under components.messages (camelCase), used for identifiers. */
  key: string;
  /** Message name on the wire: the `type` const, the `action` const, or the text itself. */
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

/** Like {@link cleanSchema}, but nested named schemas (all but the root) become `{ $ref: name }`. */
export function referencingSchema(schema: unknown, root = true): unknown {
  if (Array.isArray(schema)) return schema.map((item) => referencingSchema(item, false));
  if (schema === null || typeof schema !== 'object') return schema;
  const id = (schema as JsonSchema)[schemaIdKey];
  if (!root && isNamedId(id)) return { $ref: id };
  const out: JsonSchema = {};
  for (const [key, child] of Object.entries(schema)) {
    if (key.startsWith(parserKeyPrefix)) continue;
    // `examples`, `enum` and `const` hold data, not schemas.
    out[key] = key === 'examples' || key === 'enum' || key === 'const' ? strip(child) : referencingSchema(child, false);
  }
  return out;
}

/** Deep-clones a schema without the parser's `x-parser-*` keys (ajv strict mode rejects them). */
export function cleanSchema(schema: unknown): JsonSchema {
  return strip(schema) as JsonSchema;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonSchema = {};
  for (const [key, child] of Object.entries(value)) {
    if (!key.startsWith(parserKeyPrefix)) out[key] = strip(child);
  }
  return out;
}

function schemaName(schema: unknown, where: string): string {
  const id = (schema as JsonSchema | undefined)?.[schemaIdKey];
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

function classify(message: MessageInterface, direction: string, payload: JsonSchema): { kind: MessageKind; wireName: string } {
  const where = `message ${message.id()}`;
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

/** Extracts every message of the contract, ordered by operation then message, as the document lists them. */
export function readContractModel(document: AsyncAPIDocumentInterface): ContractModel {
  const messages: ContractMessage[] = [];
  const seen = new Set<string>();
  for (const operation of document.operations().all()) {
    const direction = operation.action();
    for (const message of operation.messages().all()) {
      if (seen.has(message.id())) continue;
      seen.add(message.id());
      const rawPayload = message.payload()?.json();
      if (!rawPayload) throw new Error(`message ${message.id()} has no payload`);
      const payload = cleanSchema(rawPayload);
      const { kind, wireName } = classify(message, direction, payload);
      const dataSchema = (rawPayload as JsonSchema)['properties'] as Record<string, unknown> | undefined;
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
        data:
          kind === 'notification' && dataSchema?.['data']
            ? { schema: cleanSchema(dataSchema['data']), schemaName: schemaName(dataSchema['data'], `message ${message.id()} data`) }
            : undefined,
        examples: message.examples().all().map((example, index) => ({
          name: example.name() ?? `example${index + 1}`,
          summary: example.summary() ?? '',
          payload: example.payload(),
        })),
      });
    }
  }
  const wireNames = new Map<string, string>();
  for (const m of messages) {
    const slot = `${m.kind === 'action' || m.kind === 'text' ? 'in' : 'out'}:${m.wireName}`;
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
  return {
    schemas,
    title: info.title(),
    version: info.version(),
    description: info.description() ?? '',
    messages,
    closeCodes: readCloseCodes(info.extensions().get('x-close-codes')?.value()),
    channelAddress: channel?.address() ?? '',
    servers: document.servers().all().map((s) => ({ name: s.id(), url: s.url(), description: s.description() ?? '' })),
    securitySchemes: document.components().securitySchemes().all().map((s) => ({
      name: s.id(),
      type: s.type(),
      in: s.in(),
      paramName: s.name(),
      scheme: s.scheme(),
      description: s.description() ?? '',
    })),
  };
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
