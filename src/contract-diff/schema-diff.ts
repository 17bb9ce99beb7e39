// Structural diff of two JSON Schemas in referencing form: each change once, at the path where it is made.
import { isDeepStrictEqual } from 'node:util';
import type { JsonSchema } from '../codegen/contract-model.js';
import type { RuleId } from './rules.js';

export interface SchemaChange {
  rule: RuleId;
  /** Path segments inside the schema, e.g. ['properties', 'priority']. */
  path: string[];
  /** What changed, in a few words. */
  detail: string;
  /** The top-level field of the schema the change concerns (decides its readers and writers), when there is one. */
  field?: string;
}

const docKeys = ['description', 'title', 'examples', 'default', '$comment', 'deprecated'];
const lowerBounds = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties', 'minContains'];
const upperBounds = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties', 'maxContains'];
const handled = new Set([
  ...docKeys, ...lowerBounds, ...upperBounds,
  '$ref', 'type', 'enum', 'const', 'format', 'pattern', 'properties', 'required', 'additionalProperties', 'items', 'oneOf', 'anyOf', 'allOf',
]);

const show = (value: unknown): string => JSON.stringify(value);

function asSchema(value: unknown): JsonSchema | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}

function typeSet(value: unknown): Set<string> | undefined {
  if (value === undefined) return undefined;
  return new Set(Array.isArray(value) ? value.map(String) : [String(value)]);
}

/** The named schemas of each side, to look through a `$ref` that one side replaced by another or by an inline copy. */
export interface SchemaScopes {
  before: ReadonlyMap<string, unknown>;
  after: ReadonlyMap<string, unknown>;
}

/** Where a walk collects its changes, and the named schemas it may look through. */
interface Sink {
  changes: SchemaChange[];
  scopes: SchemaScopes;
}

/** Every change from `before` to `after`. */
export function diffSchemas(before: unknown, after: unknown, scopes: SchemaScopes = { before: new Map(), after: new Map() }): SchemaChange[] {
  const out: Sink = { changes: [], scopes };
  compare(before, after, [], out);
  return out.changes;
}

function fieldOf(path: string[]): string | undefined {
  return path[0] === 'properties' ? path[1] : undefined;
}

function compare(before: unknown, after: unknown, path: string[], out: Sink): void {
  const add = (rule: RuleId, detail: string, at: string[] = path, field = fieldOf(at)): void => {
    out.changes.push(field === undefined ? { rule, path: at, detail } : { rule, path: at, detail, field });
  };
  const a = asSchema(before);
  const b = asSchema(after);
  if (!a || !b) {
    // Boolean schemas (true / false) or a schema replaced by a non-schema.
    if (!isDeepStrictEqual(before, after)) add('keyword-changed', `schema ${show(before)} → ${show(after)}`);
    return;
  }
  const refA = a['$ref'];
  const refB = b['$ref'];
  if (refA !== undefined || refB !== undefined) {
    if (refA !== refB) {
      const detail = `${typeof refA === 'string' ? refA : 'an inline schema'} → ${typeof refB === 'string' ? refB : 'an inline schema'}`;
      const resolvedA = typeof refA === 'string' ? out.scopes.before.get(refA) : a;
      const resolvedB = typeof refB === 'string' ? out.scopes.after.get(refB) : b;
      // A named schema moved (inlined, renamed, into another file): compare what it says, here, once.
      const inlined = (typeof refA !== 'string' || asSchema(resolvedA)?.['$ref'] === undefined) && (typeof refB !== 'string' || asSchema(resolvedB)?.['$ref'] === undefined);
      if (resolvedA !== undefined && resolvedB !== undefined && inlined && path.length < 64) {
        add('ref-replaced', detail);
        compare(resolvedA, resolvedB, path, out);
      } else {
        add('ref-changed', detail);
      }
      return;
    }
  }

  if (docKeys.some((key) => !isDeepStrictEqual(a[key], b[key]))) {
    add('docs-changed', docKeys.filter((key) => !isDeepStrictEqual(a[key], b[key])).join(', ') + ' changed');
  }

  const typesA = typeSet(a['type']);
  const typesB = typeSet(b['type']);
  if (!isDeepStrictEqual(typesA, typesB)) {
    const detail = `type ${show(a['type'] ?? 'any')} → ${show(b['type'] ?? 'any')}`;
    if (!typesB) add('type-widened', detail);
    else if (!typesA) add('type-narrowed', detail);
    else if ([...typesB].every((t) => typesA.has(t))) add('type-narrowed', detail);
    else if ([...typesA].every((t) => typesB.has(t))) add('type-widened', detail);
    else add('type-changed', detail);
  }

  compareEnum(a['enum'], b['enum'], (rule, detail) => add(rule, detail, [...path, 'enum']));

  if (!isDeepStrictEqual(a['const'], b['const'])) {
    const detail = `const ${show(a['const'])} → ${show(b['const'])}`;
    add(a['const'] === undefined ? 'const-added' : b['const'] === undefined ? 'const-removed' : 'const-changed', detail, [...path, 'const']);
  }

  for (const key of ['format', 'pattern'] as const) {
    if (a[key] === b[key]) continue;
    const detail = `${key} ${show(a[key])} → ${show(b[key])}`;
    add(a[key] === undefined ? `${key}-added` : b[key] === undefined ? `${key}-removed` : `${key}-changed`, detail, [...path, key]);
  }

  for (const [keys, tighter] of [[lowerBounds, (x: number, y: number) => y > x], [upperBounds, (x: number, y: number) => y < x]] as const) {
    for (const key of keys) {
      const x = a[key];
      const y = b[key];
      if (x === y) continue;
      const detail = `${key} ${show(x)} → ${show(y)}`;
      const tightened = x === undefined || (typeof x === 'number' && typeof y === 'number' && tighter(x, y));
      add(y !== undefined && tightened ? 'bound-tightened' : 'bound-loosened', detail, [...path, key]);
    }
  }

  compareObject(a, b, path, out, add);

  for (const key of ['oneOf', 'anyOf'] as const) compareUnion(a[key], b[key], [...path, key], out, add);

  for (const key of ['items', 'allOf'] as const) {
    if (a[key] === undefined && b[key] === undefined) continue;
    if (Array.isArray(a[key]) && Array.isArray(b[key]) && (a[key] as unknown[]).length === (b[key] as unknown[]).length) {
      (a[key] as unknown[]).forEach((item, i) => compare(item, (b[key] as unknown[])[i], [...path, key, String(i)], out));
    } else if (asSchema(a[key]) && asSchema(b[key])) {
      compare(a[key], b[key], [...path, key], out);
    } else if (!isDeepStrictEqual(a[key], b[key])) {
      add(key === 'items' && a[key] === undefined ? 'bound-tightened' : 'keyword-changed', `${key} ${show(a[key])} → ${show(b[key])}`, [...path, key]);
    }
  }

  const others = new Set([...Object.keys(a), ...Object.keys(b)].filter((key) => !handled.has(key)));
  for (const key of [...others].sort()) {
    if (!isDeepStrictEqual(a[key], b[key])) add('keyword-changed', `${key} ${show(a[key])} → ${show(b[key])}`, [...path, key]);
  }
}

function compareEnum(before: unknown, after: unknown, add: (rule: RuleId, detail: string) => void): void {
  if (before === undefined && after === undefined) return;
  if (!Array.isArray(before)) return add('enum-added', `enum ${show(after)} added`);
  if (!Array.isArray(after)) return add('enum-removed', `enum ${show(before)} removed`);
  const was = new Set(before.map(show));
  const now = new Set(after.map(show));
  for (const value of was) if (!now.has(value)) add('enum-value-removed', `enum value ${value} removed`);
  for (const value of now) if (!was.has(value)) add('enum-value-added', `enum value ${value} added`);
}

type Add = (rule: RuleId, detail: string, at?: string[], field?: string) => void;

function compareObject(a: JsonSchema, b: JsonSchema, path: string[], out: Sink, add: Add): void {
  const propsA = (asSchema(a['properties']) ?? {}) as Record<string, unknown>;
  const propsB = (asSchema(b['properties']) ?? {}) as Record<string, unknown>;
  const requiredA = new Set(Array.isArray(a['required']) ? (a['required'] as string[]) : []);
  const requiredB = new Set(Array.isArray(b['required']) ? (b['required'] as string[]) : []);
  const names = [...new Set([...Object.keys(propsA), ...Object.keys(propsB), ...requiredA, ...requiredB])];
  // Only the top level of a named schema has fields that decide roles; deeper fields inherit the enclosing one.
  const fieldFor = (name: string): string | undefined => (path.length === 0 ? name : fieldOf(path));
  for (const name of names) {
    const inA = name in propsA || requiredA.has(name);
    const inB = name in propsB || requiredB.has(name);
    const at = [...path, 'properties', name];
    if (!inA) {
      add(requiredB.has(name) ? 'field-added-required' : 'field-added-optional', `field "${name}" added (${requiredB.has(name) ? 'required' : 'optional'})`, at, fieldFor(name));
      continue;
    }
    if (!inB) {
      add(requiredA.has(name) ? 'field-removed-required' : 'field-removed-optional', `field "${name}" removed (was ${requiredA.has(name) ? 'required' : 'optional'})`, at, fieldFor(name));
      continue;
    }
    if (requiredA.has(name) !== requiredB.has(name)) {
      add(requiredB.has(name) ? 'field-now-required' : 'field-now-optional', `field "${name}" is now ${requiredB.has(name) ? 'required' : 'optional'}`, at, fieldFor(name));
    }
    if (name in propsA && name in propsB) {
      const inner: Sink = { changes: [], scopes: out.scopes };
      compare(propsA[name], propsB[name], at, inner);
      for (const change of inner.changes) out.changes.push(path.length === 0 ? { ...change, field: name } : change);
    }
  }
  const extraA = a['additionalProperties'];
  const extraB = b['additionalProperties'];
  if (!isDeepStrictEqual(extraA, extraB)) {
    const at = [...path, 'additionalProperties'];
    if (extraA === false) add('additional-properties-allowed', `additionalProperties false → ${show(extraB ?? true)}`, at);
    else if (extraB === false) add('additional-properties-forbidden', `additionalProperties ${show(extraA ?? true)} → false`, at);
    else if (asSchema(extraA) && asSchema(extraB)) compare(extraA, extraB, at, out);
    else add(extraA === undefined || extraA === true ? 'bound-tightened' : 'bound-loosened', `additionalProperties ${show(extraA ?? true)} → ${show(extraB ?? true)}`, at);
  }
}

function branchKey(branch: unknown, index: number): string {
  const ref = asSchema(branch)?.['$ref'];
  return typeof ref === 'string' ? ref : `#${index}`;
}

function compareUnion(before: unknown, after: unknown, path: string[], out: Sink, add: Add): void {
  if (before === undefined && after === undefined) return;
  if (!Array.isArray(before) || !Array.isArray(after)) {
    add('keyword-changed', `${path[path.length - 1] ?? ''} ${show(before)} → ${show(after)}`, path);
    return;
  }
  const branchesA = new Map(before.map((branch, i) => [branchKey(branch, i), branch]));
  const branchesB = new Map(after.map((branch, i) => [branchKey(branch, i), branch]));
  for (const [key, branch] of branchesA) {
    if (!branchesB.has(key)) add('union-branch-removed', `branch ${key} removed`, [...path, key]);
    else compare(branch, branchesB.get(key), [...path, key], out);
  }
  for (const key of branchesB.keys()) if (!branchesA.has(key)) add('union-branch-added', `branch ${key} added`, [...path, key]);
}
