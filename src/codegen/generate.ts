// Runs the whole generation: contract → models, validators, index (with the contract hash) and openapi.json, keyed by path.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../paths.js';
import { contractHash } from '../catalog/contract-files.js';
import { loadCheckedContract } from './load-app-contract.js';
import { generateModels } from './generate-models.js';
import { generateValidators, validatorName, dataValidatorName } from './generate-validators.js';
import { generateIndex, type IndexFormat } from './generate-index.js';
import { generateCloseCodes } from './generate-close-codes.js';
import { generateOpenApi } from './openapi/index.js';
import { generateDisplay } from './generate-display.js';
import { generatedHeaderFor } from './naming.js';

/** Paths relative to the output directory → file contents. Same contract, same bytes. */
export type GeneratedFiles = Map<string, string>;

/** notify's own `generated/` compiles with notify's build (TypeScript); anywhere else gets ESM JavaScript + `.d.ts`. */
export function defaultFormat(outDir: string): IndexFormat {
  return path.resolve(outDir) === path.join(packageRoot, 'generated') ? 'ts' : 'esm';
}

/** Where output goes by default: `generated/` beside the contract. */
export { generatedDirFor as defaultOutDir } from '../paths.js';

export async function generateFiles(contractFile: string, format: IndexFormat): Promise<GeneratedFiles> {
  const { document, contract } = await loadCheckedContract(contractFile);
  const header = generatedHeaderFor(path.basename(contractFile));
  const models = await generateModels(document, contract, header);
  for (const message of contract.messages) {
    if (message.data && !models.names.has(message.data.schemaName)) {
      throw new Error(`no model was generated for ${message.data.schemaName}`);
    }
  }
  const hash = contractHash(contractFile);
  const index = generateIndex(contract, { format, header, hash });
  const display = generateDisplay(contract, { format, header });
  if (format === 'ts') {
    return new Map([
      ['models.ts', models.text],
      ['validators.ts', generateValidators(contract, { header, anchor: 'self' })],
      ['index.ts', index.code],
      ['display.ts', display.code],
      // The protocol's close codes, for notify's own server and client (an app's output does not need them).
      ['close-codes.ts', generateCloseCodes(contract)],
      ['openapi.json', generateOpenApi(contract)],
    ]);
  }
  const validatorNames = contract.messages.flatMap((m) => (m.data ? [validatorName(m.key), dataValidatorName(m.key)] : [validatorName(m.key)]));
  const validatorTypes = `${header}// Each validator is a type guard with its errors on \`.errors\`; the index types them per message.\n${validatorNames
    .map((name) => `export declare const ${name}: { (data: unknown): boolean; errors?: unknown[] | null };`)
    .join('\n')}\n`;
  return new Map([
    ['models.d.ts', models.text],
    ['validators.js', generateValidators(contract, { header, anchor: 'notify' })],
    ['validators.d.ts', validatorTypes],
    ['index.js', index.code],
    ['index.d.ts', index.declarations ?? ''],
    // Browser-safe on its own (index.js is not: it loads the validators, which use Node's require).
    ['display.js', display.code],
    ['display.d.ts', display.declarations ?? ''],
    // ESM whatever the app's own package.json says (no "type": "module" there is the npm default).
    ['package.json', '{\n  "type": "module"\n}\n'],
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
