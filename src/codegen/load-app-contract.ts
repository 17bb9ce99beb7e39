// Loads a contract for generation or docs: parsed, checked against notify's protocol, read into a ContractModel.
import path from 'node:path';
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { packageRoot } from '../paths.js';
import { loadContractOrThrow } from './load-contract.js';
import { readContractModel, type ContractModel } from './contract-model.js';
import { formatViolations, localRedefinitions, protocolDrift, type ProtocolViolation } from './protocol-guard.js';

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

/** The parsed contract at `file`, checked against the installed protocol; `violations` is empty when it may be used. */
export async function checkContract(file: string, document: AsyncAPIDocumentInterface): Promise<{ contract?: ContractModel; violations: ProtocolViolation[] }> {
  if (path.resolve(file) === protocolPath) return { contract: readContractModel(document), violations: [] };
  const protocol = await installedProtocol();
  const local = localRedefinitions(file, protocolPath, protocol);
  if (local.length) return { violations: local };
  const contract = readContractModel(document);
  return { contract, violations: protocolDrift(file, contract, protocolPath, protocol) };
}

/** Parses `file` and refuses it (throwing with `FILE: PATH: REASON` lines) when it redefines or alters the protocol. */
export async function loadCheckedContract(file: string): Promise<CheckedContract> {
  const document = await loadContractOrThrow(file);
  const { contract, violations } = await checkContract(file, document);
  if (!contract || violations.length) throw new Error(`${file} redefines or alters notify's protocol:\n${formatViolations(file, violations)}`);
  return { document, contract };
}
