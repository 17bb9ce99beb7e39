// `notify docs [--out DIR]`: client documentation (Markdown + one offline HTML page) from the contract.
import { Command } from 'commander';
import path from 'node:path';
import { contractOption } from '../support/contract-option.js';

/** Builds the `docs` command; writes README.md and index.html under `--out` (default ./docs/client). */
export function makeDocsCommand(): Command {
  return new Command('docs')
    .description('Write client documentation from the contract: README.md and a single offline index.html')
    .addOption(contractOption())
    .option('--out <dir>', 'output directory', path.join('docs', 'client'))
    .addHelpText('after', '\nExamples:\n  $ notify docs\n  $ notify docs --out public/docs   # then open public/docs/index.html')
    .action(async (options: { contract: string; out: string }) => {
      // Loaded on use: the parser and the 3 MB AsyncAPI bundle are not needed by other commands.
      const { generateDocs, writeDocs } = await import('../../src/docs/generate-docs.js');
      const files = await generateDocs(options.contract);
      const written = await writeDocs(files, path.resolve(options.out));
      process.stdout.write(`wrote ${written.map((f) => path.relative(process.cwd(), f) || f).join(', ')}\n`);
    });
}
