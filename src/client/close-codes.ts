// What the client does after each WebSocket close code: the contract's advice (generated from asyncapi.yaml x-close-codes).
import { contractCloseCodes, type CloseAdvice } from '../../generated/close-codes.js';

export type { CloseAdvice } from '../../generated/close-codes.js';

const adviceByCode: ReadonlyMap<number, CloseAdvice> = new Map(contractCloseCodes.map((c) => [c.code, c.advice]));

/**
 * The contract's advice for `code`: 1008 (no credential / flooding) and 4003 (forbidden) stop the client;
 * 4001 (invalid or expired token) asks the token provider again; codes the contract does not list
 * (1006 dropped, ...) are retried with backoff like its own retry codes.
 */
export function closeAdvice(code: number): CloseAdvice {
  return adviceByCode.get(code) ?? 'retry';
}
