// Reads a payload's field constraints back from its precompiled validator, by probing each field of a valid example.
import type { Validator } from '../../generated/index.js';

/** What the validator allows for one field, as far as probing could tell. */
export interface FieldConstraints {
  /** JSON pointer of the field inside the payload, e.g. `/priority`. */
  pointer: string;
  /** The example's value: the fallback and the shape to vary. */
  example: unknown;
  /** True when the payload stays valid without the field. */
  optional: boolean;
  /** Allowed values (`enum` or `const`); the field must be one of them. */
  allowed?: readonly unknown[];
  /** String `format` (uuid, date-time, email, ...). */
  format?: string;
  /** String `pattern`: varied values are unlikely to match, so the examples' values are used. */
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  /** Inclusive numeric bounds (an exclusive bound is moved in by the smallest step). */
  minimum?: number;
  maximum?: number;
  integer?: boolean;
}

interface ErrorLike {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** Long enough to pass any sane maxLength of a notification field (the contract caps messages at a few KiB). */
const overlongLength = 100_000;
const hugeNumber = 1e15;

/**
 * Probes every field of `example` (recursing into plain objects) against `validate`, which must accept
 * `example` and report all errors (ajv `allErrors`). Each probe replaces one field and reads the
 * failing keyword's params: `enum`/`const` → allowed values, `format`, `pattern`, length and numeric limits.
 * Throws when the example itself is invalid, since nothing could then be varied safely.
 */
export function probeFieldConstraints(validate: Validator<unknown>, example: Record<string, unknown>): FieldConstraints[] {
  if (!validate(example)) throw new Error(`the example is not valid under its own validator: ${JSON.stringify(validate.errors)}`);
  const fields: FieldConstraints[] = [];
  const walk = (pointer: string[], value: Record<string, unknown>): void => {
    for (const [key, fieldValue] of Object.entries(value)) {
      const path = [...pointer, key];
      if (isPlainObject(fieldValue)) {
        walk(path, fieldValue);
        continue;
      }
      fields.push(probeField(validate, example, path, fieldValue));
    }
  };
  walk([], example);
  return fields;
}

function probeField(validate: Validator<unknown>, example: Record<string, unknown>, path: string[], value: unknown): FieldConstraints {
  const pointer = '/' + path.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
  const errorsWith = (replacement: unknown): ErrorLike[] => {
    const candidate = withField(example, path, replacement);
    if (validate(candidate)) return [];
    return ((validate.errors ?? []) as ErrorLike[]).filter((e) => e.instancePath === pointer);
  };
  // A missing required field is reported on its parent, so a field is optional when the payload stays valid.
  const optional = validate(withField(example, path, undefined, true));
  const field: FieldConstraints = { pointer, example: value, optional };
  const read = (errors: ErrorLike[]): void => {
    for (const error of errors) {
      const p = error.params;
      switch (error.keyword) {
        case 'enum':
          if (Array.isArray(p['allowedValues'])) field.allowed = p['allowedValues'];
          break;
        case 'const':
          field.allowed = [p['allowedValue']];
          break;
        case 'format':
          if (typeof p['format'] === 'string') field.format = p['format'];
          break;
        case 'pattern':
          if (typeof p['pattern'] === 'string') field.pattern = p['pattern'];
          break;
        case 'minLength':
          field.minLength = Number(p['limit']);
          break;
        case 'maxLength':
          field.maxLength = Number(p['limit']);
          break;
        case 'minimum':
          field.minimum = Number(p['limit']);
          break;
        case 'exclusiveMinimum':
          field.minimum = Number(p['limit']) + (field.integer ? 1 : Number.EPSILON * Math.max(1, Math.abs(Number(p['limit']))));
          break;
        case 'maximum':
          field.maximum = Number(p['limit']);
          break;
        case 'exclusiveMaximum':
          field.maximum = Number(p['limit']) - (field.integer ? 1 : Number.EPSILON * Math.max(1, Math.abs(Number(p['limit']))));
          break;
        case 'type':
          if (p['type'] === 'integer') field.integer = true;
          break;
      }
    }
  };
  if (typeof value === 'string') {
    read(errorsWith('x'));
    read(errorsWith(''));
    read(errorsWith('x'.repeat(overlongLength)));
  } else if (typeof value === 'number') {
    read(errorsWith(0.5));
    read(errorsWith(-hugeNumber));
    read(errorsWith(hugeNumber));
  }
  return field;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy of `root` with the field at `path` replaced (or removed). */
export function withField(root: Record<string, unknown>, path: readonly string[], value: unknown, remove = false): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return root;
  const copy: Record<string, unknown> = { ...root };
  if (rest.length === 0) {
    if (remove) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const child = copy[head];
  copy[head] = withField(isPlainObject(child) ? child : {}, rest, value, remove);
  return copy;
}
