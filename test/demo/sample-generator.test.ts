// The demo sample generator: every sample passes the contract, fields vary within what the validators allow, new types need no code.
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { notificationDataValidators, notificationExamples, notificationTypes, type Validator } from '../../generated/index.js';
import { probeFieldConstraints } from '../../src/demo/field-constraints.js';
import { SampleGenerator, typeBag, type SampleSource } from '../../src/demo/sample-generator.js';

const addFormats = addFormatsModule.default;
const rounds = 200;

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('SampleGenerator on the contract', () => {
  const generator = new SampleGenerator(undefined, { random: seeded(7) });

  it.each(notificationTypes)('makes %s samples that pass the contract validator', (type) => {
    const validate = notificationDataValidators[type];
    for (let i = 0; i < rounds; i++) {
      const sample = generator.next(type);
      expect(sample.type).toBe(type);
      expect(validate(sample.data), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('varies enums over all their values, numbers within bounds, uuids and booleans', () => {
    const seen = (type: (typeof notificationTypes)[number], field: string) =>
      new Set(Array.from({ length: rounds }, () => (generator.next(type).data as Record<string, unknown>)[field]));
    expect(seen('info', 'priority')).toEqual(new Set(['low', 'medium', 'high']));
    expect(seen('product_expiry', 'severity')).toEqual(new Set(['info', 'warning', 'error']));
    expect(seen('warning', 'actionRequired')).toEqual(new Set([true, false]));
    const codes = [...seen('error', 'errorCode')] as number[];
    expect(codes.length).toBeGreaterThan(20);
    expect(codes.every((c) => Number.isInteger(c) && c >= 400 && c <= 599)).toBe(true);
    const ids = seen('invitation_received', 'invitationId');
    expect(ids.size).toBe(rounds);
    expect(ids.has(notificationExamples.invitation_received[0]!.data.invitationId)).toBe(false);
  });

  it('keeps free text consistent with the varied names and dates relative to now', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    const dated = new SampleGenerator(undefined, { random: seeded(3), now: () => now });
    for (let i = 0; i < 50; i++) {
      const data = dated.next('product_expiry').data as { message: string; productName: string; expiresAt?: string };
      expect(data.message).toContain(data.productName);
      if (data.expiresAt !== undefined) {
        // The example expires about a day after its own timestamp; samples keep that distance, ±20 %.
        const inMs = Date.parse(data.expiresAt) - now;
        expect(inMs).toBeGreaterThan(12 * 3600_000);
        expect(inMs).toBeLessThan(36 * 3600_000);
      }
    }
  });

  it('sometimes leaves an optional field out', () => {
    const withoutExpiry = Array.from({ length: rounds }, () => generator.next('product_expiry').data).filter((d) => !('expiresAt' in d));
    expect(withoutExpiry.length).toBeGreaterThan(0);
    expect(withoutExpiry.length).toBeLessThan(rounds / 2);
  });
});

describe('SampleGenerator on a type it has never seen', () => {
  it('draws valid, varied samples from any example and validator (what `notify generate` adds for a new type)', () => {
    const ajv = new Ajv({ allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile({
      type: 'object',
      additionalProperties: false,
      required: ['deviceId', 'battery', 'level', 'site'],
      properties: {
        deviceId: { type: 'string', format: 'uuid' },
        battery: { type: 'integer', minimum: 0, maximum: 100 },
        level: { enum: ['ok', 'low', 'critical'] },
        site: { type: 'string', pattern: '^[A-Z]{3}-[0-9]{2}$' },
        note: { type: 'string', maxLength: 10 },
      },
    }) as unknown as Validator<unknown>;
    const source: SampleSource<'device_battery'> = {
      types: ['device_battery'],
      examples: { device_battery: [{ timestamp: 0, category: 'devices', data: { deviceId: '550e8400-e29b-41d4-a716-446655440000', battery: 12, level: 'low', site: 'BER-01', note: 'hallway' } }] },
      dataValidators: { device_battery: validate },
    };
    const generator = new SampleGenerator(source, { random: seeded(11) });
    const levels = new Set<unknown>();
    const batteries = new Set<unknown>();
    for (let i = 0; i < rounds; i++) {
      const sample = generator.next('device_battery');
      expect(validate(sample.data), JSON.stringify(validate.errors)).toBe(true);
      expect(sample.category).toBe('devices');
      expect(sample.data['site']).toBe('BER-01'); // a pattern is kept as the example has it
      levels.add(sample.data['level']);
      batteries.add(sample.data['battery']);
    }
    expect(levels).toEqual(new Set(['ok', 'low', 'critical']));
    expect(batteries.size).toBeGreaterThan(20);
  });

  it('refuses a type without an example', () => {
    const source = { types: ['x'], examples: { x: [] }, dataValidators: { x: (() => true) as unknown as Validator<unknown> } };
    expect(() => new SampleGenerator(source)).toThrow(/no example/);
  });
});

describe('probeFieldConstraints', () => {
  it('reads enum, format, integer bounds, lengths and optionality back from the generated validators', () => {
    const fields = (type: (typeof notificationTypes)[number]) =>
      Object.fromEntries(
        probeFieldConstraints(notificationDataValidators[type] as Validator<unknown>, notificationExamples[type][0]!.data as unknown as Record<string, unknown>).map((f) => [f.pointer, f]),
      );
    expect(fields('info')['/priority']).toMatchObject({ allowed: ['low', 'medium', 'high'], optional: false });
    expect(fields('info')['/title']).toMatchObject({ minLength: 1, maxLength: 200 });
    expect(fields('error')['/errorCode']).toMatchObject({ integer: true, minimum: 400, maximum: 599 });
    expect(fields('invitation_received')['/groupId']).toMatchObject({ format: 'uuid' });
    expect(fields('product_expiry')['/expiresAt']).toMatchObject({ format: 'date-time', optional: true });
  });

  it('throws when the example does not pass its own validator', () => {
    expect(() => probeFieldConstraints(notificationDataValidators.info as Validator<unknown>, { title: 'x' })).toThrow(/not valid/);
  });
});

describe('typeBag', () => {
  it('gives every type once per round, in a shuffled order', () => {
    const next = typeBag(notificationTypes, seeded(5));
    const orders: string[] = [];
    for (let round = 0; round < 4; round++) {
      const drawn = notificationTypes.map(() => next());
      expect([...drawn].sort()).toEqual([...notificationTypes].sort());
      orders.push(drawn.join());
    }
    expect(new Set(orders).size).toBeGreaterThan(1);
  });
});
