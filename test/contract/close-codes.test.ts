// The close codes of asyncapi.yaml, generated/close-codes.ts, the server's error registry and the client's advice agree.
import { describe, expect, it } from 'vitest';
import { contractCloseCodes } from '../../generated/close-codes.js';
import { closeAdviceOf, type CloseCode as ContractEntry } from '../../src/codegen/contract-model.js';
import { generateCloseCodes } from '../../src/codegen/generate-close-codes.js';
import { closeAdvice } from '../../src/client/close-codes.js';
import { closeCodes, errorRegistry, type CloseCode } from '../../src/errors.js';
import { contractModel } from '../support/contract.js';

const contract = await contractModel();

/** Every close code + reason the registry sends. */
function registryCloses(): CloseCode[] {
  return Object.values(errorRegistry).flatMap((entry) => ('close' in entry ? [entry.close] : []));
}

/** How the contract's close codes and the registry's disagree, one line each; empty when they agree. */
function disagreements(entries: readonly ContractEntry[], sent: readonly CloseCode[]): string[] {
  const problems: string[] = [];
  const reasonsOf = (code: number): string[] | undefined => {
    const entry = entries.find((e) => e.code === code);
    return entry && [entry.reason, ...entry.otherReasons];
  };
  for (const { code, reason } of sent) {
    const reasons = reasonsOf(code);
    if (!reasons) problems.push(`registry sends ${code}, which asyncapi.yaml does not list`);
    else if (!reasons.includes(reason)) problems.push(`registry sends ${code} "${reason}"; asyncapi.yaml lists ${JSON.stringify(reasons)}`);
  }
  for (const entry of entries) {
    for (const reason of [entry.reason, ...entry.otherReasons]) {
      if (!sent.some((s) => s.code === entry.code && s.reason === reason)) problems.push(`asyncapi.yaml lists ${entry.code} "${reason}", which no registry error sends`);
    }
  }
  return problems;
}

describe('close codes', () => {
  it('asyncapi.yaml and the error registry agree, both ways (every code and reason)', () => {
    expect(contract.closeCodes.length).toBeGreaterThanOrEqual(8);
    expect(disagreements(contract.closeCodes, registryCloses())).toEqual([]);
  });

  it('the agreement check fails when the contract and the registry differ', () => {
    const renamed = contract.closeCodes.map((c) => (c.code === 4029 ? { ...c, reason: 'Too many sockets' } : c));
    expect(disagreements(renamed, registryCloses())).toEqual([
      'registry sends 4029 "Too many connections"; asyncapi.yaml lists ["Too many sockets"]',
      'asyncapi.yaml lists 4029 "Too many sockets", which no registry error sends',
    ]);
    const dropped = contract.closeCodes.filter((c) => c.code !== 1013);
    expect(disagreements(dropped, registryCloses())).toEqual(['registry sends 1013, which asyncapi.yaml does not list']);
    expect(disagreements(contract.closeCodes, [...registryCloses(), { code: 4001, reason: 'Bad token' }])).toEqual([
      'registry sends 4001 "Bad token"; asyncapi.yaml lists ["Invalid or expired token","Token expired"]',
    ]);
  });

  it('generated/close-codes.ts is what the contract generates (code, reasons, advice, description)', () => {
    expect(contractCloseCodes.map((c) => ({ ...c, otherReasons: [...c.otherReasons] }))).toEqual(
      contract.closeCodes.map((c) => ({ code: c.code, reason: c.reason, otherReasons: c.otherReasons, advice: closeAdviceOf(c), description: c.description })),
    );
  });

  it("the client's advice is the contract's: reconnect false stops, reauthenticate asks for a new token, the rest retry", () => {
    for (const c of contract.closeCodes) {
      expect(closeAdvice(c.code), String(c.code)).toBe(!c.reconnect ? 'stop' : c.reauthenticate ? 'reauthenticate' : 'retry');
    }
    expect(closeAdvice(1008)).toBe('stop');
    expect(closeAdvice(4003)).toBe('stop');
    expect(closeAdvice(4001)).toBe('reauthenticate');
    expect(closeAdvice(1006)).toBe('retry');
  });

  it('the registry names the server code uses are the contract entries', () => {
    expect(closeCodes.tooManyConnections).toEqual({ code: 4029, reason: 'Too many connections' });
    expect(closeCodes.rateLimited).toEqual({ code: 1008, reason: 'Rate limit exceeded' });
    expect(closeCodes.tokenExpired).toEqual({ code: 4001, reason: 'Token expired' });
    expect(closeCodes.internalError).toEqual({ code: 1011, reason: 'Internal error' });
  });

  it('generation refuses close codes the server and client could not act on', () => {
    const base = { ...contract, closeCodes: contract.closeCodes.slice(0, 1) };
    const entry = contract.closeCodes[0]!;
    expect(() => generateCloseCodes({ ...base, closeCodes: [entry, entry] })).toThrow(/listed twice/);
    expect(() => generateCloseCodes({ ...base, closeCodes: [{ ...entry, reason: ' ' }] })).toThrow(/reason is empty/);
    expect(() => generateCloseCodes({ ...base, closeCodes: [{ ...entry, reconnect: false, reauthenticate: true }] })).toThrow(/reauthenticate needs reconnect/);
    expect(() => generateCloseCodes({ ...base, closeCodes: [{ ...entry, code: 999 }] })).toThrow(/1000–4999/);
  });
});
