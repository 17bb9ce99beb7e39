// Flattens a message payload schema into the field rows the client docs list (name, type, required, notes).
import type { JsonSchema } from '../codegen/contract-model.js';

/** One documented field. Text uses Markdown inline code (backticks) and nothing else. */
export interface FieldRow {
  /** Dotted path from the frame root, e.g. `data.groupId`; array items add `[]`. */
  path: string;
  /** Human type label, e.g. `string (NotificationId)`, `array of AnyNotification`, `string (NotificationId) | null`. */
  type: string;
  /** Required within its parent object. */
  required: boolean;
  /** The field's description, or the description of the schema it names. */
  description: string;
  /** Constraints in words, e.g. "one of `low`, `high`", "format `uuid`", "length 1–200". */
  constraints: string[];
}

/** The schemas a payload refers to (`{ $ref: name }`), and the wire name of each message payload schema. */
export interface SchemaContext {
  schemas: ReadonlyMap<string, JsonSchema>;
  /** Payload schema name → message wire name, so unions read as `info`, `warning` rather than schema names. */
  messageNames?: ReadonlyMap<string, string>;
}

/** Description and constraints as one sentence or two: `Epoch milliseconds. Minimum 0.` */
export function fieldNotes(row: Pick<FieldRow, 'description' | 'constraints'>): string {
  const parts: string[] = [];
  if (row.description) parts.push(/[.!?]$/.test(row.description) ? row.description : `${row.description}.`);
  if (row.constraints.length) {
    const text = row.constraints.join(', ');
    parts.push(`${text[0]!.toUpperCase()}${text.slice(1)}.`);
  }
  return parts.join(' ');
}

function isObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function refName(schema: JsonSchema): string | undefined {
  const ref = schema['$ref'];
  return typeof ref === 'string' ? ref.replace(/^.*\//, '') : undefined;
}

/** Follows `$ref`s (by component schema name) to the schema they name. */
function resolve(ctx: SchemaContext, schema: JsonSchema, seen: string[] = []): JsonSchema {
  const name = refName(schema);
  if (name === undefined) return schema;
  if (seen.includes(name)) throw new Error(`schema ${name} refers to itself`);
  const target = ctx.schemas.get(name);
  if (!target) throw new Error(`unknown schema ${name}`);
  return resolve(ctx, target, [...seen, name]);
}

function branchesOf(schema: JsonSchema): JsonSchema[] | undefined {
  const branches = schema['oneOf'] ?? schema['anyOf'];
  return Array.isArray(branches) ? branches.filter(isObject) : undefined;
}

function code(value: unknown): string {
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

/** Type label of a schema; named schemas show their name. */
export function typeLabel(ctx: SchemaContext, schema: JsonSchema): string {
  const name = refName(schema);
  if (name !== undefined) {
    const target = resolve(ctx, schema);
    return branchesOf(target) ? name : `${typeLabel(ctx, target)} (${name})`;
  }
  const branches = branchesOf(schema);
  if (branches) return branches.map((b) => typeLabel(ctx, b)).join(' | ');
  const type = schema['type'];
  if (type === 'array' && isObject(schema['items'])) return `array of ${typeLabel(ctx, schema['items'])}`;
  if (Array.isArray(type)) return type.join(' | ');
  if (typeof type === 'string') return type;
  if (schema['const'] !== undefined) return typeof schema['const'];
  return schema['properties'] ? 'object' : 'any';
}

/** How a union branch reads: the message wire name when the branch is a message payload. */
function branchLabel(ctx: SchemaContext, schema: JsonSchema): string {
  const name = refName(schema);
  const wire = name === undefined ? undefined : ctx.messageNames?.get(name);
  return wire !== undefined ? code(wire) : typeLabel(ctx, schema);
}

function bound(min: unknown, max: unknown, both: string, minOnly: string, maxOnly: string): string | undefined {
  if (typeof min === 'number' && typeof max === 'number') return `${both} ${min}–${max}`;
  if (typeof min === 'number') return `${minOnly} ${min}`;
  if (typeof max === 'number') return `${maxOnly} ${max}`;
  return undefined;
}

/** A field's description, looking through `$ref` when the field itself has none. */
function fieldDescription(ctx: SchemaContext, schema: JsonSchema): string {
  const description = schema['description'] ?? resolve(ctx, schema)['description'];
  return typeof description === 'string' ? description.trim().replace(/\s+/g, ' ') : '';
}

/** Constraints of a field in words, looking through `$ref`. */
export function fieldConstraints(ctx: SchemaContext, schema: JsonSchema): string[] {
  const target = resolve(ctx, schema);
  const notes: string[] = [];
  if (target['const'] !== undefined) notes.push(`always ${code(target['const'])}`);
  if (Array.isArray(target['enum'])) notes.push(`one of ${target['enum'].map(code).join(', ')}`);
  if (typeof target['format'] === 'string') notes.push(`format ${code(target['format'])}`);
  if (typeof target['pattern'] === 'string') notes.push(`pattern ${code(target['pattern'])}`);
  const bounds = [
    bound(target['minimum'], target['maximum'], 'range', 'minimum', 'maximum'),
    bound(target['minLength'], target['maxLength'], 'length', 'min length', 'max length'),
    bound(target['minItems'], target['maxItems'], 'items', 'min items', 'max items'),
  ];
  for (const b of bounds) if (b) notes.push(b);
  const branches = branchesOf(target);
  if (branches && refName(schema) !== undefined) notes.push(`one of ${branches.map((b) => branchLabel(ctx, b)).join(', ')}`);
  if (target['type'] === 'array' && isObject(target['items'])) {
    const itemBranches = branchesOf(resolve(ctx, target['items']));
    if (itemBranches) notes.push(`each one of ${itemBranches.map((b) => branchLabel(ctx, b)).join(', ')}`);
  }
  const extra = target['additionalProperties'];
  if (isObject(extra)) {
    const valueNotes = fieldConstraints(ctx, extra);
    notes.push(`map of string → ${typeLabel(ctx, extra)}${valueNotes.length ? ` (${valueNotes.join(', ')})` : ''}`);
  } else if (target['type'] === 'object' && isObject(target['properties']) && Object.keys(target['properties']).length === 0) {
    notes.push('always `{}`');
  }
  return notes;
}

function objectRows(ctx: SchemaContext, schema: JsonSchema, prefix: string, rows: FieldRow[], depth: number): void {
  const target = resolve(ctx, schema);
  const properties = target['properties'];
  if (!isObject(properties) || depth > 8) return;
  const required = new Set((target['required'] as string[] | undefined) ?? []);
  for (const [name, child] of Object.entries(properties)) {
    if (!isObject(child)) continue;
    const path = `${prefix}${name}`;
    rows.push({
      path,
      type: typeLabel(ctx, child),
      required: required.has(name),
      description: fieldDescription(ctx, child),
      constraints: fieldConstraints(ctx, child),
    });
    const childTarget = resolve(ctx, child);
    const items = childTarget['type'] === 'array' ? childTarget['items'] : undefined;
    if (isObject(items)) objectRows(ctx, items, `${path}[].`, rows, depth + 1);
    else objectRows(ctx, childTarget, `${path}.`, rows, depth + 1);
  }
}

/**
 * Every field of a payload, parents before children, in the order the schema declares them.
 * Nested objects are expanded; unions (`oneOf`) are named, not expanded, since each branch is documented as its own message.
 */
export function payloadFields(ctx: SchemaContext, payload: JsonSchema): FieldRow[] {
  const rows: FieldRow[] = [];
  objectRows(ctx, payload, '', rows, 0);
  return rows;
}
