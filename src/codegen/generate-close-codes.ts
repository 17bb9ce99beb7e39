// generated/close-codes.ts: the contract's close codes with their reasons and reconnect advice, for the server and the client.
import { closeAdviceOf, type ContractModel } from './contract-model.js';
import { generatedHeader } from './naming.js';

/** Refuses close codes the server and client could not act on consistently. */
function checkCloseCodes(contract: ContractModel): void {
  const seen = new Set<number>();
  for (const c of contract.closeCodes) {
    const where = `info.x-close-codes ${c.code}`;
    if (!Number.isInteger(c.code) || c.code < 1000 || c.code > 4999) throw new Error(`${where}: code must be an integer 1000–4999`);
    if (seen.has(c.code)) throw new Error(`${where}: listed twice`);
    seen.add(c.code);
    if (c.reason.trim() === '') throw new Error(`${where}: reason is empty`);
    // The WebSocket close frame carries at most 123 bytes of reason.
    for (const reason of [c.reason, ...c.otherReasons]) if (Buffer.byteLength(reason) > 123) throw new Error(`${where}: reason "${reason}" is longer than 123 bytes`);
    if (c.reauthenticate && !c.reconnect) throw new Error(`${where}: reauthenticate needs reconnect: true`);
  }
}

/** Returns the text of generated/close-codes.ts (no imports: the browser client bundles it). */
export function generateCloseCodes(contract: ContractModel): string {
  checkCloseCodes(contract);
  const entries = contract.closeCodes.map((c) =>
    [
      '  {',
      `    code: ${c.code},`,
      `    reason: ${JSON.stringify(c.reason)},`,
      `    otherReasons: ${JSON.stringify(c.otherReasons)},`,
      `    advice: ${JSON.stringify(closeAdviceOf(c))},`,
      `    description: ${JSON.stringify(c.description)},`,
      '  },',
    ].join('\n'),
  );
  return `${generatedHeader}
/** What a client does after a close code: \`stop\` (do not reconnect), \`reauthenticate\` (get a new token, then reconnect), \`retry\` (back off, then reconnect). */
export type CloseAdvice = 'stop' | 'reauthenticate' | 'retry';

export interface ContractCloseCode {
  readonly code: number;
  /** The reason sent with the code. */
  readonly reason: string;
  /** Further reasons the server may send with the same code. */
  readonly otherReasons: readonly string[];
  readonly advice: CloseAdvice;
  readonly description: string;
}

/** The contract's WebSocket close codes (info.x-close-codes), in contract order. */
export const contractCloseCodes = [
${entries.join('\n')}
] as const satisfies readonly ContractCloseCode[];

/** A close code the contract lists. */
export type ContractCloseCodeNumber = (typeof contractCloseCodes)[number]['code'];
`;
}
