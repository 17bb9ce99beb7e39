// Rules every payload schema follows: closed objects, named payloads, no anonymous generated types.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../src/codegen/contract-model.js';
import { contractModel, openObjectSchemas, repoRoot } from '../support/contract.js';

const contract = await contractModel();
/** Map-like schemas whose keys are data (category or type names), so they cannot list their properties. */
const mapSchemas = ['UnreadByCategory', 'PreferenceSwitches'];

describe('payload schemas', () => {
  it('close every object with additionalProperties: false (map-like UnreadByCategory and PreferenceSwitches excepted)', () => {
    const roots = contract.messages.map((m) => m.payloadSchemaName);
    expect(openObjectSchemas(contract.schemas, roots, mapSchemas)).toEqual([]);
  });

  it('the check finds an open object, nested or behind a $ref', () => {
    const schemas = new Map<string, JsonSchema>([
      ['Root', { type: 'object', additionalProperties: false, properties: { a: { $ref: 'Child' }, b: { type: 'object', properties: {} } } }],
      ['Child', { type: 'object', properties: { c: { type: 'string' } } }],
      ['Tags', { type: 'object', additionalProperties: { type: 'integer' } }],
    ]);
    expect(openObjectSchemas(schemas, ['Root', 'Tags'], []).sort()).toEqual(['Child', 'Root/properties/b', 'Tags']);
    expect(openObjectSchemas(schemas, ['Tags'], ['Tags'])).toEqual([]);
  });

  it('reach UnreadByCategory only as a map of counts', () => {
    const map = contract.schemas.get('UnreadByCategory');
    expect(map?.['properties']).toBeUndefined();
    expect(map?.['additionalProperties']).toMatchObject({ type: 'integer', minimum: 0 });
  });

  it('are named component schemas, one per message', () => {
    const names = contract.messages.map((m) => m.payloadSchemaName);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(contract.schemas.has(name), name).toBe(true);
  });

  it('give generated models good names (no AnonymousSchema, no reservedType)', async () => {
    const models = await readFile(path.join(repoRoot, 'generated', 'models.ts'), 'utf8');
    expect(models).not.toMatch(/AnonymousSchema|reservedType/);
    for (const m of contract.messages.filter((x) => x.kind !== 'text')) {
      expect(models, m.payloadSchemaName).toMatch(new RegExp(`export (interface|type) ${m.payloadSchemaName}\\b`));
    }
  });

  it('let snapshots and pages carry every notification type (AnyNotification lists each one)', () => {
    const union = (contract.schemas.get('AnyNotification')?.['oneOf'] as { $ref: string }[] | undefined)?.map((branch) => branch.$ref) ?? [];
    const notifications = contract.messages.filter((m) => m.kind === 'notification').map((m) => m.payloadSchemaName);
    expect(notifications.length).toBeGreaterThan(0);
    expect([...union].sort()).toEqual([...notifications].sort());
  });

  it('describe every close code clients need', () => {
    expect(contract.closeCodes.map((c) => c.code)).toEqual(expect.arrayContaining([1001, 1008, 1009, 1013, 4001, 4003, 4029]));
    for (const c of contract.closeCodes) expect(c.reason.trim() && c.description.trim(), String(c.code)).toBeTruthy();
  });
});
