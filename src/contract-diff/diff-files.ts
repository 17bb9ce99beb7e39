// Loads two contract files with @asyncapi/parser (references resolved relative to each file) and diffs them.
import { loadContract, formatDiagnostic } from '../codegen/load-contract.js';
import { snapshotContract, type ContractSnapshot } from './contract-snapshot.js';
import { announcesBreakingChanges, diffContracts } from './diff-contracts.js';
import type { DiffReport } from './format-changes.js';

/** A contract that cannot be read or parsed, or does not follow notify's conventions (the CLI exits 2). */
export class UnreadableContractError extends Error {}

/** Parses and snapshots one contract file; throws UnreadableContractError naming the file and each problem. */
export async function readContractSnapshot(file: string): Promise<ContractSnapshot> {
  let loaded;
  try {
    loaded = await loadContract(file);
  } catch (error) {
    throw new UnreadableContractError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (!loaded.document) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(file, d));
    throw new UnreadableContractError(`${file} is not a valid AsyncAPI document:\n${errors.join('\n')}`);
  }
  try {
    return snapshotContract(loaded.document);
  } catch (error) {
    throw new UnreadableContractError(`${file}: ${(error as Error).message}`);
  }
}

/** Every change from the contract at `oldFile` to the one at `newFile`. */
export async function diffContractFiles(oldFile: string, newFile: string): Promise<DiffReport> {
  const [before, after] = await Promise.all([readContractSnapshot(oldFile), readContractSnapshot(newFile)]);
  return {
    oldFile,
    newFile,
    oldVersion: before.version,
    newVersion: after.version,
    changes: diffContracts(before, after),
    announced: announcesBreakingChanges(before.version, after.version),
  };
}
