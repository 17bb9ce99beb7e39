// `notify generate [--check]`: asyncapi.yaml → generated/.
import { Command } from 'commander';
import path from 'node:path';
import { defaultContractPath } from '../../src/paths.js';

export function makeGenerateCommand(): Command {
  return new Command('generate')
    .description('Generate TypeScript models, precompiled validators, the message index and openapi.json from the contract')
    .option('--contract <file>', 'the AsyncAPI document', defaultContractPath())
    .option('--out <dir>', 'output directory', 'generated')
    .option('--check', 'write nothing; exit 1 naming the files that differ from what the contract produces')
    .addHelpText('after', '\nExamples:\n  $ notify generate\n  $ notify generate --check   # in CI: fails when generated/ is stale')
    .action(async (options: { contract: string; out: string; check?: boolean }) => {
      // Loaded on use: the parser and Modelina take seconds to import, and other commands never need them.
      const { generateFiles, staleGeneratedFiles, writeGeneratedFiles } = await import('../../src/codegen/generate.js');
      const files = await generateFiles(options.contract);
      const outDir = path.resolve(options.out);
      if (options.check) {
        const stale = await staleGeneratedFiles(files, outDir);
        if (stale.length) {
          process.stderr.write(`generated files are stale (run \`notify generate\`):\n${stale.map((f) => `  ${path.relative(process.cwd(), f)}`).join('\n')}\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`generated/ is up to date with ${path.relative(process.cwd(), options.contract) || options.contract}\n`);
        return;
      }
      const written = await writeGeneratedFiles(files, outDir);
      process.stdout.write(`wrote ${written.map((f) => path.relative(process.cwd(), f)).join(', ')}\n`);
    });
}
