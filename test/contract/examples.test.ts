// Every example in asyncapi.yaml validates with the generated validators; every message is documented and mapped.
import { describe, expect, it } from 'vitest';
import {
  clientActions,
  clientMessageValidators,
  clientTextFrames,
  controlMessageTypes,
  notificationDataValidators,
  notificationExamples,
  notificationTypes,
  notificationValidators,
  serverMessageValidators,
} from '../../generated/index.js';
import type { ContractMessage } from '../../src/codegen/contract-model.js';
import { contractModel } from '../support/contract.js';
import { validatorFor } from '../support/message-validators.js';

const contract = await contractModel();

const examples = contract.messages.flatMap((message) => message.examples.map((example) => ({ label: `${message.wireName} / ${example.name}`, message, example })));

describe('the contract', () => {
  it('has messages of every kind', () => {
    const kinds = new Set(contract.messages.map((m) => m.kind));
    expect([...kinds].sort()).toEqual(['action', 'control', 'notification', 'text', 'webhook']);
  });

  it.each(contract.messages.map((m) => [m.wireName, m] as const))('%s has a title, a summary, a description and at least one example', (_name, message) => {
    expect(message.title.trim()).not.toBe('');
    expect(message.summary.trim()).not.toBe('');
    expect(message.description.trim()).not.toBe('');
    expect(message.examples.length).toBeGreaterThanOrEqual(1);
  });
});

describe('every example validates with the generated validators', () => {
  it.each(examples.map((e) => [e.label, e] as const))('%s', (_label, { message, example }) => {
    const validate = validatorFor(message);
    const ok = validate(example.payload);
    expect(validate.errors ?? null, JSON.stringify(validate.errors)).toBeNull();
    expect(ok).toBe(true);
  });

  it.each(examples.filter((e) => e.message.kind === 'notification').map((e) => [e.label, e] as const))(
    '%s: its data validates as a push body would, and it is also a valid server message',
    (_label, { message, example }) => {
      const payload = example.payload as { type: string; data: unknown };
      expect(payload.type).toBe(message.wireName);
      const validateData = notificationDataValidators[message.wireName as keyof typeof notificationDataValidators];
      expect(validateData(payload.data), JSON.stringify(validateData.errors)).toBe(true);
      const validateServer = serverMessageValidators[message.wireName as keyof typeof serverMessageValidators];
      expect(validateServer(payload)).toBe(true);
    },
  );
});

describe('the generated index mirrors the contract (no hand-written lists)', () => {
  const names = (kind: ContractMessage['kind']): string[] => contract.messages.filter((m) => m.kind === kind).map((m) => m.wireName);

  it('lists every notification type, control type, action and text frame in contract order', () => {
    expect([...notificationTypes]).toEqual(names('notification'));
    expect([...controlMessageTypes]).toEqual(names('control'));
    expect([...clientActions]).toEqual(names('action'));
    expect([...clientTextFrames]).toEqual(names('text'));
  });

  it('has a validator for every name in each map, and nothing else', () => {
    expect(Object.keys(notificationValidators).sort()).toEqual(names('notification').sort());
    expect(Object.keys(notificationDataValidators).sort()).toEqual(names('notification').sort());
    expect(Object.keys(serverMessageValidators).sort()).toEqual([...names('notification'), ...names('control')].sort());
    expect(Object.keys(clientMessageValidators).sort()).toEqual(names('action').sort());
  });

  it('carries the contract examples of every notification type', () => {
    for (const message of contract.messages.filter((m) => m.kind === 'notification')) {
      expect(notificationExamples[message.wireName as keyof typeof notificationExamples]).toEqual(message.examples.map((e) => e.payload));
    }
  });
});
