// Random, contract-valid sample notifications for demo mode: the contract's examples, varied within what the validators allow.
import { randomUUID } from 'node:crypto';
import type { NotificationType, Validator } from '../../generated/index.js';
import { builtInCatalog, type Catalog } from '../catalog/catalog.js';
import { probeFieldConstraints, withField, type FieldConstraints } from './field-constraints.js';
import { flavorFor } from './flavor.js';

/** A notification's example as the generator needs it (the generated `notificationExamples` entries fit). */
export interface SampleExample {
  timestamp?: number;
  category?: string;
  data: unknown;
}

/** Where samples come from: by default the generated index, so a new contract type is sampled with no code change. */
export interface SampleSource<T extends string = string> {
  types: readonly T[];
  examples: { readonly [K in T]: readonly SampleExample[] };
  dataValidators: { readonly [K in T]: Validator<unknown> };
}

/** A sample ready to store: its data passed the contract's validator for `type`. */
export interface Sample<T extends string = string> {
  type: T;
  data: Record<string, unknown>;
  category?: string;
}

/**
 * Samples of a catalog's types, from its examples and validators. Typed with the built-in union, as the rest of the
 * server is: it handles every catalog's notifications alike, and the catalog's own validators check each sample.
 */
export function catalogSampleSource(catalog: Catalog): SampleSource<NotificationType> {
  return {
    types: catalog.notificationTypes,
    examples: catalog.notificationExamples,
    dataValidators: catalog.notificationDataValidators,
  } as unknown as SampleSource<NotificationType>;
}

export const contractSampleSource = catalogSampleSource(builtInCatalog);

export interface SampleGeneratorOptions {
  /** In [0, 1); default Math.random. */
  random?: () => number;
  /** Epoch ms; default Date.now. */
  now?: () => number;
}

const durationPattern = /^(\d+(?:\.(\d+))?)\s*(ms|s|sec|m|min|h)$/;
const dayMs = 86_400_000;

/**
 * Makes samples of each type of a {@link SampleSource}. For every field of an example it reads the
 * constraints back from the type's validator once (see {@link probeFieldConstraints}), then varies:
 * enums and booleans at random, numbers within their bounds, uuids fresh, date-times at the example's
 * distance from its own timestamp, names from word pools, durations like "3.25s" in the same unit;
 * free text keeps the example's words, with the example's varied names replaced in it. Every sample is
 * validated; a field that fails goes back to the example's value, and an example is the last resort.
 */
export class SampleGenerator<T extends string = NotificationType> {
  readonly #source: SampleSource<T>;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #fields = new Map<SampleExample, FieldConstraints[]>();

  constructor(source: SampleSource<T> = contractSampleSource as unknown as SampleSource<T>, options: SampleGeneratorOptions = {}) {
    for (const type of source.types) {
      if (!source.examples[type]?.length) throw new Error(`notification type "${type}" has no example in the contract to draw samples from`);
      if (!source.dataValidators[type]) throw new Error(`notification type "${type}" has no data validator`);
    }
    this.#source = source;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
  }

  get types(): readonly T[] {
    return this.#source.types;
  }

  /** A valid sample of `type`. */
  next(type: T): Sample<T> {
    const examples = this.#source.examples[type];
    const example = this.#pick(examples);
    const validate = this.#source.dataValidators[type];
    const exampleData = example.data as Record<string, unknown>;
    const fields = this.#constraintsOf(example, validate);
    let data = this.#vary(example, fields);
    if (!validate(data)) {
      // Put back every field an error points into, then try once more.
      for (const error of validate.errors ?? []) {
        const field = fields.find((f) => error.instancePath === f.pointer || error.instancePath.startsWith(`${f.pointer}/`));
        if (field) data = withField(data, pathOf(field.pointer), field.example);
      }
      if (!validate(data)) data = structuredClone(exampleData);
    }
    const sample: Sample<T> = { type, data };
    if (example.category !== undefined) sample.category = example.category;
    return sample;
  }

  #constraintsOf(example: SampleExample, validate: Validator<unknown>): FieldConstraints[] {
    let fields = this.#fields.get(example);
    if (!fields) {
      fields = probeFieldConstraints(validate, example.data as Record<string, unknown>);
      this.#fields.set(example, fields);
    }
    return fields;
  }

  #vary(example: SampleExample, fields: readonly FieldConstraints[]): Record<string, unknown> {
    let data = structuredClone(example.data) as Record<string, unknown>;
    const renamed = new Map<string, string>();
    const freeText: FieldConstraints[] = [];
    for (const field of fields) {
      const name = pathOf(field.pointer).at(-1) ?? '';
      if (field.optional && this.#random() < 0.15) {
        data = withField(data, pathOf(field.pointer), undefined, true);
        continue;
      }
      const value = this.#varyValue(field, name, example);
      if (value === freeTextMarker) {
        freeText.push(field);
        continue;
      }
      if (typeof field.example === 'string' && typeof value === 'string' && value !== field.example && field.example.length >= 3) {
        renamed.set(field.example, value);
      }
      data = withField(data, pathOf(field.pointer), value);
    }
    for (const field of freeText) {
      let text = field.example as string;
      for (const [from, to] of renamed) text = text.split(from).join(to);
      data = withField(data, pathOf(field.pointer), text);
    }
    return data;
  }

  #varyValue(field: FieldConstraints, name: string, example: SampleExample): unknown {
    const value = field.example;
    if (field.allowed) return this.#pick(field.allowed);
    if (typeof value === 'boolean') return this.#random() < 0.5;
    if (typeof value === 'number') return this.#number(field, value);
    if (typeof value !== 'string') return structuredClone(value);
    if (field.pattern !== undefined) return value;
    switch (field.format) {
      case undefined:
        break;
      case 'uuid':
        return randomUUID();
      case 'date-time':
        return new Date(this.#relativeTime(value, example)).toISOString();
      case 'date':
        return new Date(this.#relativeTime(value, example)).toISOString().slice(0, 10);
      case 'email':
        return `${this.#pick(flavorFor('username') ?? ['user'])}@example.com`;
      case 'uri':
      case 'url':
        return `https://example.com/demo/${randomUUID().slice(0, 8)}`;
      default:
        return value;
    }
    const pool = flavorFor(name);
    if (pool) return this.#fitting(pool, field) ?? value;
    const duration = durationPattern.exec(value);
    if (duration) {
      const decimals = duration[2]?.length ?? 0;
      const amount = Number(duration[1]) * (0.1 + this.#random() * 4.9);
      return `${amount.toFixed(decimals)}${value.slice(duration[1]!.length)}`;
    }
    return freeTextMarker;
  }

  #number(field: FieldConstraints, value: number): number {
    const spread = Math.max(1, Math.abs(value));
    const min = field.minimum ?? (field.maximum !== undefined ? Math.min(value, field.maximum) - spread : value - spread / 2);
    const max = field.maximum ?? Math.max(value, min) + spread;
    const n = min + this.#random() * (max - min);
    if (!field.integer) return Math.round(n * 100) / 100;
    return Math.min(Math.floor(max), Math.max(Math.ceil(min), Math.round(n)));
  }

  /** Epoch ms as far from now as the example's value was from the example's own timestamp (±20%). */
  #relativeTime(value: string, example: SampleExample): number {
    const at = Date.parse(value);
    const offset = Number.isFinite(at) && example.timestamp !== undefined ? at - example.timestamp : dayMs;
    return Math.round(this.#now() + offset * (0.8 + this.#random() * 0.4));
  }

  #fitting(pool: readonly string[], field: FieldConstraints): string | undefined {
    const fits = pool.filter((v) => v.length >= (field.minLength ?? 0) && v.length <= (field.maxLength ?? Infinity));
    return fits.length ? this.#pick(fits) : undefined;
  }

  #pick<V>(values: readonly V[]): V {
    return values[Math.floor(this.#random() * values.length) % values.length] as V;
  }
}

const freeTextMarker = Symbol('free text');

function pathOf(pointer: string): string[] {
  return pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Every type once, in a random order, then again in a new order: over any stretch of samples
 * every type shows up, unlike independent draws.
 */
export function typeBag<T>(types: readonly T[], random: () => number = Math.random): () => T {
  if (types.length === 0) throw new Error('typeBag needs at least one type');
  let bag: T[] = [];
  return () => {
    if (bag.length === 0) {
      bag = [...types];
      for (let i = bag.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [bag[i], bag[j]] = [bag[j] as T, bag[i] as T];
      }
    }
    return bag.pop() as T;
  };
}
