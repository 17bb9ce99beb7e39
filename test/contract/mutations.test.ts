// Mutated examples are rejected: each single-rule violation of each example fails its generated validator.
import { describe, expect, it } from 'vitest';
import {
  clientMessageValidators,
  notificationDataValidators,
  notificationExamples,
  notificationValidators,
  serverMessageValidators,
  type Validator,
} from '../../generated/index.js';
import { validatePingText } from '../../generated/validators.js';
import { fieldErrors } from '../../src/contract/validation-errors.js';
import { clone, contractModel } from '../support/contract.js';
import { validatorFor } from '../support/message-validators.js';
import { mutationsOf, type MutationKind } from '../support/mutations.js';

const contract = await contractModel();

const jsonMessages = contract.messages.filter((m) => m.kind !== 'text');
const cases = jsonMessages.flatMap((message) => {
  const payload = contract.schemas.get(message.payloadSchemaName);
  if (!payload) throw new Error(`no schema ${message.payloadSchemaName}`);
  return message.examples.flatMap((example) =>
    mutationsOf(contract.schemas, payload, example.payload).map((mutation) => ({
      label: `${message.wireName} / ${example.name}: ${mutation.kind} at ${mutation.pointer}`,
      message,
      mutated: mutation.apply(example.payload),
      mutation,
    })),
  );
});

describe('every single-rule mutation of every example is rejected', () => {
  it('derives mutations of every kind the contract can express', () => {
    const kinds = new Set(cases.map((c) => c.mutation.kind));
    const expected: MutationKind[] = ['missing-required', 'extra-property', 'wrong-enum', 'wrong-const', 'wrong-type', 'bad-uuid', 'bad-date-time', 'fractional-integer', 'below-minimum', 'above-maximum', 'too-short', 'too-long'];
    expect([...kinds].sort()).toEqual([...expected].sort());
    // Nested notifications inside snapshots and pages are mutated too.
    expect(cases.some((c) => c.message.wireName === 'unread_notifications' && c.mutation.pointer.startsWith('/data/notifications/1/data/'))).toBe(true);
  });

  it.each(cases.map((c) => [c.label, c] as const))('%s', (_label, { message, mutated }) => {
    const validate = validatorFor(message);
    expect(validate(mutated)).toBe(false);
    expect(validate.errors?.length).toBeGreaterThan(0);
  });
});

describe('named mutations report the offending field as a JSON pointer', () => {
  const info = notificationExamples.info[0]!;
  const invitation = notificationExamples.invitation_received[0]!;
  const expiry = notificationExamples.product_expiry[0]!;

  function rejects(validate: Validator<unknown>, value: unknown, pointer: string, message: RegExp): void {
    expect(validate(value)).toBe(false);
    const errors = fieldErrors(validate.errors);
    expect(errors, JSON.stringify(errors)).toContainEqual({ pointer, message: expect.stringMatching(message) });
  }

  it('accepts the unmutated examples (so the rejections below are caused by the mutation)', () => {
    expect(notificationValidators.info(clone(info))).toBe(true);
    expect(notificationValidators.invitation_received(clone(invitation))).toBe(true);
    expect(notificationValidators.product_expiry(clone(expiry))).toBe(true);
  });

  it('missing required field', () => {
    const value = clone(info) as { data: Partial<typeof info.data> };
    delete value.data.title;
    rejects(notificationValidators.info, value, '/data/title', /required/);
  });

  it('wrong enum', () => {
    rejects(notificationValidators.info, { ...clone(info), data: { ...info.data, priority: 'urgent' } }, '/data/priority', /one of "low", "medium", "high"/);
  });

  it('extra property, at the top and inside data', () => {
    rejects(notificationValidators.info, { ...clone(info), extra: true }, '/extra', /not allowed/);
    rejects(notificationDataValidators.info, { ...clone(info.data), colour: 'red' }, '/colour', /not allowed/);
  });

  it('wrong `type` const, even when the rest is a valid notification of another type', () => {
    rejects(notificationValidators.info, { ...clone(info), type: 'warning' }, '/type', /must be "info"/);
    rejects(serverMessageValidators.info, { ...clone(info), type: 'inf0' }, '/type', /must be "info"/);
  });

  it('bad uuid', () => {
    rejects(notificationValidators.invitation_received, { ...clone(invitation), data: { ...invitation.data, groupId: 'group-1' } }, '/data/groupId', /format "uuid"/);
  });

  it('bad date-time', () => {
    rejects(notificationValidators.product_expiry, { ...clone(expiry), data: { ...expiry.data, expiresAt: '2024-12-09' } }, '/data/expiresAt', /format "date-time"/);
    rejects(notificationValidators.product_expiry, { ...clone(expiry), data: { ...expiry.data, expiresAt: '2024-02-30T08:00:00Z' } }, '/data/expiresAt', /format "date-time"/);
  });

  it('fractional timestamp', () => {
    rejects(notificationValidators.info, { ...clone(info), timestamp: 1733646000000.5 }, '/timestamp', /integer/);
  });

  it('error code outside 400–599 and a numeric id', () => {
    const error = notificationExamples.error[0]!;
    rejects(notificationValidators.error, { ...clone(error), data: { ...error.data, errorCode: 600 } }, '/data/errorCode', /<= 599/);
    rejects(notificationValidators.error, { ...clone(error), id: 6 }, '/id', /string/);
  });

  it('client frames: unknown fields, out-of-range limits and a text frame other than PING', () => {
    rejects(clientMessageValidators.load_more, { action: 'load_more', limit: 101 }, '/limit', /<= 100/);
    rejects(clientMessageValidators.mark_read, { action: 'mark_read' }, '', /fewer than 2 properties/);
    rejects(clientMessageValidators.archive, { action: 'archive', ids: ['0000000000000001'], all: true }, '', /more than 2 properties/);
    rejects(clientMessageValidators.mark_seen, { action: 'mark_seen', all: false }, '/all', /must be true/);
    rejects(clientMessageValidators.ping, { action: 'ping', id: '1' }, '/id', /not allowed/);
    expect(validatePingText('PING')).toBe(true);
    expect(validatePingText('PONG')).toBe(false);
    expect(validatePingText('ping')).toBe(false);
  });
});
