// Refuses a contract that redefines, drops or alters notify's protocol: each problem with its path and the reason.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { ContractModel, JsonSchema } from './contract-model.js';

/** One way a contract departs from the protocol: where (dotted path in the contract file) and why. */
export interface ProtocolViolation {
  path: string;
  reason: string;
}

type Node = Record<string, unknown>;

const isObject = (value: unknown): value is Node => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A `$ref` to another file (the protocol), as opposed to a definition in the contract itself. */
function isExternalRef(value: unknown): boolean {
  return isObject(value) && typeof value['$ref'] === 'string' && !value['$ref'].startsWith('#');
}

function resolveLocal(root: Node, value: unknown): unknown {
  for (let depth = 0; depth < 16 && isObject(value) && typeof value['$ref'] === 'string' && value['$ref'].startsWith('#/'); depth++) {
    let node: unknown = root;
    for (const key of value['$ref'].slice(2).split('/')) node = isObject(node) ? node[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    value = node;
  }
  return value;
}

/** The wire name a locally defined message claims: its `name`, or its payload's `type` / `action` const. */
function claimedWireNames(root: Node, message: unknown): string[] {
  const resolved = resolveLocal(root, message);
  if (!isObject(resolved)) return [];
  const out: string[] = [];
  if (typeof resolved['name'] === 'string') out.push(resolved['name']);
  const payload = resolveLocal(root, resolved['payload']);
  if (isObject(payload)) {
    if (typeof payload['const'] === 'string') out.push(payload['const']);
    const props = resolveLocal(root, payload['properties']);
    for (const key of ['type', 'action']) {
      const prop = isObject(props) ? resolveLocal(root, props[key]) : undefined;
      if (isObject(prop) && typeof prop['const'] === 'string') out.push(prop['const']);
    }
  }
  return out;
}

/** Key order does not change a schema's meaning. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (!isObject(value)) return JSON.stringify(value);
  return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
}

function protocolRefOf(contractFile: string, protocolFile: string): string {
  const relative = path.relative(path.dirname(path.resolve(contractFile)), protocolFile).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/**
 * Checks the text of the contract at `contractFile` against notify's protocol (`protocol`, parsed from `protocolFile`):
 * nothing of the protocol (message, schema, operation) may be defined in the contract itself.
 */
export function localRedefinitions(contractFile: string, protocolFile: string, protocol: ContractModel): ProtocolViolation[] {
  const violations: ProtocolViolation[] = [];
  const root = parse(readFileSync(contractFile, 'utf8')) as unknown;
  if (!isObject(root)) return [{ path: '(document)', reason: 'not a YAML or JSON object' }];
  const protocolMessages = new Map(protocol.messages.map((m) => [m.key, m]));
  const protocolWireNames = new Set(protocol.messages.map((m) => m.wireName));
  const refHint = `reference it from the protocol instead ($ref: '${protocolRefOf(contractFile, protocolFile)}#/…')`;

  const checkLocalMessage = (where: string, key: string, message: unknown): void => {
    if (isExternalRef(message)) return;
    if (protocolMessages.has(key)) {
      violations.push({ path: where, reason: `redefines the protocol message "${key}"; ${refHint}` });
      return;
    }
    const claimed = claimedWireNames(root, message).find((name) => protocolWireNames.has(name));
    if (claimed) violations.push({ path: where, reason: `defines a message named "${claimed}", which is a protocol message of notify; a catalog cannot redefine it` });
  };

  const components = isObject(root['components']) ? root['components'] : {};
  for (const [key, message] of Object.entries(isObject(components['messages']) ? components['messages'] : {})) {
    checkLocalMessage(`components.messages.${key}`, key, message);
  }
  for (const [channelKey, channel] of Object.entries(isObject(root['channels']) ? root['channels'] : {})) {
    if (!isObject(channel) || isExternalRef(channel)) continue;
    for (const [key, message] of Object.entries(isObject(channel['messages']) ? channel['messages'] : {})) {
      // A `$ref` to the contract's own components is checked there.
      if (isObject(message) && typeof message['$ref'] === 'string' && message['$ref'].startsWith('#/components/messages/')) continue;
      checkLocalMessage(`channels.${channelKey}.messages.${key}`, key, message);
    }
  }
  const protocolSchemas = new Set(protocol.schemas.keys());
  for (const [key, schema] of Object.entries(isObject(components['schemas']) ? components['schemas'] : {})) {
    if (protocolSchemas.has(key) && !isExternalRef(schema)) {
      violations.push({ path: `components.schemas.${key}`, reason: `redefines the protocol schema "${key}"; ${refHint}` });
    }
  }
  for (const [key, operation] of Object.entries(isObject(root['operations']) ? root['operations'] : {})) {
    if (['sendControl', 'receiveActions', 'sendWebhooks'].includes(key) && !isExternalRef(operation)) violations.push({ path: `operations.${key}`, reason: `redefines the protocol operation "${key}"; ${refHint}` });
  }

  return violations;
}

/** Every protocol message must reach the parsed contract unchanged, through `$ref`s into the installed package. */
export function protocolDrift(contractFile: string, contract: ContractModel, protocolFile: string, protocol: ContractModel): ProtocolViolation[] {
  const violations: ProtocolViolation[] = [];
  const protocolRef = protocolRefOf(contractFile, protocolFile);
  const reached = new Map(contract.messages.map((m) => [m.key, m]));
  for (const expected of protocol.messages) {
    const got = reached.get(expected.key);
    if (!got) {
      const operation = expected.kind === 'control' ? 'sendControl' : expected.kind === 'webhook' ? 'sendWebhooks' : 'receiveActions';
      violations.push({ path: `operations.${operation}`, reason: `the protocol message "${expected.wireName}" is missing; the contract must reference the protocol's operation ($ref: '${protocolRef}#/operations/${operation}')` });
    } else if (canonical(got.payload as JsonSchema) !== canonical(expected.payload)) {
      violations.push({ path: `(message ${expected.key})`, reason: `the protocol message "${expected.wireName}" differs from the protocol of the installed notify (${protocolFile}); the contract references another copy of it` });
    }
  }
  violations.push(...envelopeDrift(contract, protocol, protocolRef));
  return violations;
}

/**
 * Each catalog notification carries the protocol's envelope (`AnyNotification`: id, timestamp, category, read), field
 * for field and with its required ones required, since the server adds those fields to what the app pushes.
 */
function envelopeDrift(contract: ContractModel, protocol: ContractModel, protocolRef: string): ProtocolViolation[] {
  const envelope = protocol.schemas.get('AnyNotification');
  const fields = isObject(envelope?.['properties']) ? envelope['properties'] : {};
  const required = Array.isArray(envelope?.['required']) ? (envelope['required'] as string[]) : [];
  const violations: ProtocolViolation[] = [];
  for (const message of contract.messages.filter((m) => m.kind === 'notification')) {
    const schema = contract.schemas.get(message.payloadSchemaName);
    const own = isObject(schema?.['properties']) ? schema['properties'] : {};
    const ownRequired = Array.isArray(schema?.['required']) ? (schema['required'] as string[]) : [];
    const where = `components.schemas.${message.payloadSchemaName}`;
    for (const [field, expected] of Object.entries(fields)) {
      if (field === 'type' || field === 'data') continue;
      const hint = isObject(expected) && typeof expected['$ref'] === 'string' ? ` ($ref: '${protocolRef}#/components/schemas/${expected['$ref']}')` : ` (${JSON.stringify(expected)})`;
      if (!(field in own)) violations.push({ path: `${where}.properties`, reason: `lacks the envelope field "${field}" of notify's protocol; add ${field}${hint}` });
      else if (canonical(own[field]) !== canonical(expected)) violations.push({ path: `${where}.properties.${field}`, reason: `differs from the envelope field "${field}" of notify's protocol; use ${field}${hint}` });
    }
    for (const field of required) {
      if (!ownRequired.includes(field)) violations.push({ path: `${where}.required`, reason: `must list "${field}", required by notify's protocol for every notification` });
    }
  }
  return violations;
}

/** One line per violation: `FILE: PATH: REASON`. */
export function formatViolations(contractFile: string, violations: readonly ProtocolViolation[]): string {
  return violations.map((v) => `${contractFile}: ${v.path}: ${v.reason}`).join('\n');
}
