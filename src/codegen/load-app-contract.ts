// Loads a contract for generation or docs: parsed, checked against notify's protocol, read into a ContractModel.
import path from 'node:path';
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { packageRoot } from '../paths.js';
import { loadContractOrThrow } from './load-contract.js';
import { readContractModel, type ContractModel } from './contract-model.js';
import { formatViolations, localRedefinitions, protocolDrift } from './protocol-guard.js';

/** notify's protocol document, shipped in the package; every contract references it. */
export const protocolPath = path.join(packageRoot, 'protocol.yaml');

let protocolModel: Promise<ContractModel> | undefined;

function installedProtocol(): Promise<ContractModel> {
  protocolModel ??= loadContractOrThrow(protocolPath).then(readContractModel);
  return protocolModel;
}

export interface CheckedContract {
  document: AsyncAPIDocumentInterface;
  contract: ContractModel;
}

/** Parses `file` and refuses it (throwing with `FILE: PATH: REASON` lines) when it redefines or alters the protocol. */
export async function loadCheckedContract(file: string): Promise<CheckedContract> {
  const document = await loadContractOrThrow(file);
  if (path.resolve(file) === protocolPath) return { document, contract: readContractModel(document) };
  const protocol = await installedProtocol();
  const local = localRedefinitions(file, protocolPath, protocol);
  if (local.length) throw new Error(`${file} redefines notify's protocol:\n${formatViolations(file, local)}`);
  const contract = readContractModel(document);
  const drift = protocolDrift(file, contract, protocolPath, protocol);
  if (drift.length) throw new Error(`${file} does not carry notify's protocol unchanged:\n${formatViolations(file, drift)}`);
  return { document, contract };
}
