// Where the package's own files are, wherever it is run from.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (holds package.json), from dist/src/paths.js or src/paths.ts alike. */
export const packageRoot = ((): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

/** `asyncapi.yaml` in the working directory if there is one, else the package's own. */
export function defaultContractPath(): string {
  const local = path.resolve('asyncapi.yaml');
  return existsSync(local) ? local : path.join(packageRoot, 'asyncapi.yaml');
}

/** notify's built-in catalog (the seeds' notification types), shipped in the package. */
export const builtInContractPath = path.join(packageRoot, 'asyncapi.yaml');

/** Where `notify generate` writes a contract's output by default: `generated/` beside the contract. */
export function generatedDirFor(contractFile: string): string {
  return path.join(path.dirname(path.resolve(contractFile)), 'generated');
}
