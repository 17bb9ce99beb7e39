// Loads the catalog of a contract from its generated output, refusing output that is missing or stale.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtInContractPath, generatedDirFor } from '../paths.js';
import type { Catalog } from './catalog.js';

/** The generated output cannot serve this contract; `command` is what to run. */
export class CatalogError extends Error {
  constructor(
    message: string,
    readonly command: string,
  ) {
    super(`${message}\nRun: ${command}`);
    this.name = 'CatalogError';
  }
}

/** `file` relative to the working directory when it is below it, else absolute: what a person would type. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.resolve(file);
}

function generateCommand(contractFile: string, generatedDir: string): string {
  const contract = shown(contractFile);
  const out = shown(generatedDir);
  const defaultOut = generatedDirFor(contractFile) === path.resolve(generatedDir);
  return `npx notify generate --contract ${contract}${defaultOut ? '' : ` --out ${out}`}`;
}

const requiredExports = ['contractHash', 'notificationTypes', 'notificationCategories', 'notificationValidators', 'notificationDataValidators', 'serverMessageValidators', 'notificationExamples', 'displayTemplates'] as const;

/**
 * The catalog of `contractFile`: the built-in one for notify's own contract, else the app's precompiled output in
 * `generatedDir` (default `generated/` beside the contract), after checking that it was generated from this very
 * contract and protocol (hash). Throws {@link CatalogError} naming the command to run otherwise.
 */
export async function loadCatalog(contractFile: string, generatedDir: string = generatedDirFor(contractFile)): Promise<Catalog> {
  const contract = path.resolve(contractFile);
  // Imported on use, not at load: the primary of `serve --workers` checks the catalog but never validates, and
  // the built-in validators (or the YAML parser the hash needs) would stay in its memory for good.
  if (contract === builtInContractPath && path.resolve(generatedDir) === generatedDirFor(builtInContractPath)) return (await import('./catalog.js')).builtInCatalog;
  if (!existsSync(contract)) throw new CatalogError(`contract ${contractFile} does not exist`, 'npx notify init');
  const command = generateCommand(contract, generatedDir);
  const index = path.join(path.resolve(generatedDir), 'index.js');
  if (!existsSync(index)) throw new CatalogError(`no generated output for ${contractFile}: ${index} is missing`, command);
  const { contractHash } = await import('./contract-files.js');
  const expected = contractHash(contract);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(index).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CatalogError(`${index} could not be loaded (${(error as Error).message})`, command);
  }
  const missing = requiredExports.filter((name) => loaded[name] === undefined);
  if (missing.length) throw new CatalogError(`${index} lacks ${missing.join(', ')}: it was written by another version of notify`, command);
  if (loaded['contractHash'] !== expected) {
    throw new CatalogError(`${index} is stale: it was generated from another version of ${contractFile} or of notify's protocol (hash ${String(loaded['contractHash'])}, contract now ${expected})`, command);
  }
  return loaded as unknown as Catalog;
}
