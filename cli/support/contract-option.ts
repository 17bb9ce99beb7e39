// `--contract FILE` (env NOTIFY_CONTRACT), shared by every command that reads the catalog.
import { Option } from 'commander';
import { builtInContractPath, defaultContractPath } from '../../src/paths.js';

/**
 * The contract whose catalog a command uses: the flag, else NOTIFY_CONTRACT, else the default. Commands that work
 * on a contract file (generate, validate, docs) default to `./asyncapi.yaml` when there is one; commands that run
 * against a server (serve, push, tail) default to the built-in catalog, as docs/cli.md says.
 */
export function contractOption(defaultTo: 'local' | 'built-in' = 'local'): Option {
  const option = new Option('--contract <file>', 'the AsyncAPI contract whose catalog to use').env('NOTIFY_CONTRACT');
  return defaultTo === 'local'
    ? option.default(defaultContractPath(), './asyncapi.yaml if present, else the built-in catalog')
    : option.default(builtInContractPath, 'the built-in catalog');
}
