// What `notify diff` compares: a parsed contract's messages, named schemas (not dereferenced) and protocol facts.
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { readContractModel, referencingSchema, type CloseCode, type ContractMessage, type JsonSchema } from '../codegen/contract-model.js';

export interface ContractSnapshot {
  version: string;
  /** `out:<type>` (server → client) or `in:<action or text>` (client → server) → message. */
  messages: Map<string, ContractMessage>;
  /** Named schemas with nested named schemas kept as `{ $ref: name }`, so a change is seen once, where it is made. */
  schemas: Map<string, JsonSchema>;
  closeCodes: CloseCode[];
  channelAddress: string;
  securitySchemes: Map<string, { type: string; in?: string; paramName?: string; scheme?: string }>;
  servers: Map<string, string>;
}

const schemaIdKey = 'x-parser-schema-id';

function isNamed(id: unknown): id is string {
  return typeof id === 'string' && !id.startsWith('<anonymous') && !id.startsWith('AnonymousSchema');
}

/** Every named schema in a resolved payload (the parser stamps each with its component name). */
function collectNamed(schema: unknown, into: Map<string, JsonSchema>): void {
  if (Array.isArray(schema)) {
    for (const item of schema) collectNamed(item, into);
    return;
  }
  if (schema === null || typeof schema !== 'object') return;
  const id = (schema as JsonSchema)[schemaIdKey];
  if (isNamed(id)) {
    if (into.has(id)) return;
    into.set(id, referencingSchema(schema) as JsonSchema);
  }
  for (const [key, child] of Object.entries(schema)) {
    if (key !== 'enum' && key !== 'const' && key !== 'examples') collectNamed(child, into);
  }
}

export function messageSlot(message: Pick<ContractMessage, 'kind' | 'wireName'>): string {
  return `${message.kind === 'action' || message.kind === 'text' ? 'in' : message.kind === 'webhook' ? 'webhook' : 'out'}:${message.wireName}`;
}

/** Reads a contract parsed by @asyncapi/parser (references already resolved, relative to its file). */
export function snapshotContract(document: AsyncAPIDocumentInterface): ContractSnapshot {
  // Templates that no longer fit a changed schema are generate's to refuse; the diff reports the schema change.
  const model = readContractModel(document, { displayProblems: 'keep' });
  const schemas = new Map(model.schemas);
  for (const message of document.messages().all()) collectNamed(message.payload()?.json(), schemas);
  return {
    version: model.version,
    messages: new Map(model.messages.map((m) => [messageSlot(m), m])),
    schemas,
    closeCodes: model.closeCodes,
    channelAddress: model.channelAddress,
    securitySchemes: new Map(model.securitySchemes.map((s) => [s.name, { type: s.type, in: s.in, paramName: s.paramName, scheme: s.scheme }])),
    servers: new Map(model.servers.map((s) => [s.name, s.url])),
  };
}
