// Derives invalid variants of a valid example from its schema: each one breaks exactly one rule of the contract.
import type { JsonSchema } from '../../src/codegen/contract-model.js';
import { clone, resolveSchema } from './contract.js';

export type MutationKind =
  | 'missing-required'
  | 'extra-property'
  | 'wrong-enum'
  | 'wrong-const'
  | 'wrong-type'
  | 'bad-uuid'
  | 'bad-date-time'
  | 'fractional-integer'
  | 'below-minimum'
  | 'above-maximum'
  | 'too-short'
  | 'too-long';

export interface Mutation {
  kind: MutationKind;
  /** JSON pointer of the field the mutation touches (for an extra property: the new field). */
  pointer: string;
  /** Returns a mutated deep copy of `value`. */
  apply(value: unknown): unknown;
}

type Path = (string | number)[];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function pointerOf(path: Path): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function edit(path: Path, change: (parent: Record<string, unknown> | unknown[], key: string | number) => void): (value: unknown) => unknown {
  return (value) => {
    const copy = clone(value);
    if (path.length === 0) throw new Error('cannot mutate the root in place');
    let parent = copy as Record<string | number, unknown>;
    for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
    change(parent as Record<string, unknown>, path[path.length - 1]!);
    return copy;
  };
}

function set(path: Path, replacement: unknown): (value: unknown) => unknown {
  return edit(path, (parent, key) => {
    (parent as Record<string | number, unknown>)[key] = replacement;
  });
}

/** The branch of a union the value belongs to: every `const` property must match, or the primitive type must. */
function pickBranch(schemas: ReadonlyMap<string, JsonSchema>, branches: JsonSchema[], value: unknown): JsonSchema | undefined {
  return branches
    .map((b) => resolveSchema(schemas, b))
    .find((b) => {
      const props = b['properties'];
      if (isObject(value) && isObject(props)) {
        return Object.entries(props).every(([k, p]) => !isObject(p) || p['const'] === undefined || p['const'] === value[k]);
      }
      if (value === null) return b['type'] === 'null';
      return b['type'] === (typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value) || (b['type'] === 'number' && typeof value === 'number');
    });
}

function primitiveMutations(schema: JsonSchema, value: unknown, path: Path, out: Mutation[]): void {
  const at = pointerOf(path);
  const push = (kind: MutationKind, replacement: unknown): void => {
    out.push({ kind, pointer: at, apply: set(path, replacement) });
  };
  if (schema['const'] !== undefined) push('wrong-const', `${String(schema['const'])}_not_this`);
  if (Array.isArray(schema['enum'])) push('wrong-enum', 'definitely_not_in_the_enum');
  if (schema['format'] === 'uuid') push('bad-uuid', 'not-a-uuid-1234');
  if (schema['format'] === 'date-time') {
    push('bad-date-time', '2024-13-45T25:61:00Z');
    push('bad-date-time', 'tomorrow');
  }
  const type = schema['type'];
  if (type === 'integer' && typeof value === 'number') push('fractional-integer', value + 0.5);
  if (typeof schema['minimum'] === 'number') push('below-minimum', schema['minimum'] - 1);
  if (typeof schema['maximum'] === 'number') push('above-maximum', schema['maximum'] + 1);
  if (typeof schema['minLength'] === 'number' && schema['minLength'] > 0) push('too-short', '');
  if (typeof schema['maxLength'] === 'number') push('too-long', 'x'.repeat(schema['maxLength'] + 1));
  if (type === 'string') push('wrong-type', 42);
  else if (type === 'integer' || type === 'number' || type === 'boolean') push('wrong-type', 'not-a-' + type);
}

function walk(schemas: ReadonlyMap<string, JsonSchema>, raw: JsonSchema, value: unknown, path: Path, out: Mutation[]): void {
  let schema = resolveSchema(schemas, raw);
  const branches = schema['oneOf'] ?? schema['anyOf'];
  if (Array.isArray(branches)) {
    const branch = pickBranch(schemas, branches as JsonSchema[], value);
    if (!branch) throw new Error(`${pointerOf(path) || '(root)'}: the example matches no branch of the union`);
    schema = branch;
  }
  if (isObject(value) && (schema['type'] === 'object' || isObject(schema['properties']))) {
    const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
    if (path.length > 0) out.push({ kind: 'wrong-type', pointer: pointerOf(path), apply: set(path, 'not-an-object') });
    if (schema['additionalProperties'] === false) {
      const extraPath = [...path, 'unexpectedField'];
      out.push({ kind: 'extra-property', pointer: pointerOf(extraPath), apply: edit(extraPath, (parent, key) => ((parent as Record<string, unknown>)[key] = 1)) });
    }
    for (const key of (schema['required'] as string[] | undefined) ?? []) {
      if (!(key in value)) continue;
      const keyPath = [...path, key];
      out.push({ kind: 'missing-required', pointer: pointerOf(keyPath), apply: edit(keyPath, (parent, k) => delete (parent as Record<string, unknown>)[k]) });
    }
    for (const [key, child] of Object.entries(value)) {
      const childSchema = properties[key] ?? (isObject(schema['additionalProperties']) ? (schema['additionalProperties'] as JsonSchema) : undefined);
      if (childSchema) walk(schemas, childSchema, child, [...path, key], out);
    }
    return;
  }
  if (Array.isArray(value) && isObject(schema['items'])) {
    value.forEach((item, index) => walk(schemas, schema['items'] as JsonSchema, item, [...path, index], out));
    return;
  }
  if (path.length > 0) primitiveMutations(schema, value, path, out);
}

/** Every single-rule violation derivable from `example` and its payload schema (top level included). */
export function mutationsOf(schemas: ReadonlyMap<string, JsonSchema>, payload: JsonSchema, example: unknown): Mutation[] {
  const out: Mutation[] = [];
  walk(schemas, payload, example, [], out);
  return out;
}
