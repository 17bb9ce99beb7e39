// Runs the whole generation: contract → models, validators and index, as file contents keyed by path.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadContractOrThrow } from './load-contract.js';
import { readContractModel } from './contract-model.js';
import { generateModels } from './generate-models.js';
import { generateValidators } from './generate-validators.js';
import { generateIndex } from './generate-index.js';
import { generateCloseCodes } from './generate-close-codes.js';
import { generateOpenApi } from './generate-openapi.js';

/** Paths relative to the output directory → file contents. Same contract, same bytes. */
export type GeneratedFiles = Map<string, string>;

export async function generateFiles(contractFile: string): Promise<GeneratedFiles> {
  const document = await loadContractOrThrow(contractFile);
  const contract = readContractModel(document);
  const models = await generateModels(document, contract);
  for (const message of contract.messages) {
    if (message.data && !models.names.has(message.data.schemaName)) {
      throw new Error(`no model was generated for ${message.data.schemaName}`);
    }
  }
  return new Map([
    ['models.ts', models.text],
    ['validators.ts', generateValidators(contract)],
    ['index.ts', generateIndex(contract)],
    ['close-codes.ts', generateCloseCodes(contract)],
    ['openapi.json', generateOpenApi(contract)],
  ]);
}

export { writeFiles as writeGeneratedFiles } from './write-files.js';

/** Files under `outDir` that differ from (or are missing compared with) what the contract produces. */
export async function staleGeneratedFiles(files: GeneratedFiles, outDir: string): Promise<string[]> {
  const stale: string[] = [];
  for (const [name, text] of files) {
    const target = path.join(outDir, name);
    const current = await readFile(target, 'utf8').catch(() => undefined);
    if (current !== text) stale.push(target);
  }
  return stale;
}
