// `notify generate [--contract FILE] [--out DIR] [--check]`: the contract → generated/ beside it.
import { Command, Option } from 'commander';
import path from 'node:path';
import { contractOption } from '../support/contract-option.js';

export function makeGenerateCommand(): Command {
  return new Command('generate')
    .description('Generate models, precompiled validators, the message index (with the contract hash) and openapi.json from the contract (ESM JavaScript + .d.ts for an app)')
    .addOption(contractOption())
    .option('--out <dir>', 'output directory (default: generated/ beside the contract)')
    .addOption(new Option('--format <format>', "ts: TypeScript modules; esm: JavaScript + .d.ts (default: ts for notify's own generated/, else esm)").choices(['ts', 'esm']))
    .option('--check', 'write nothing; exit 1 naming the files that differ from what the contract produces')
    .addHelpText('after', '\nExamples:\n  $ notify generate\n  $ notify generate --contract asyncapi.yaml --out src/generated\n  $ notify generate --check   # in CI: fails when generated/ is stale')
    .action(async (options: { contract: string; out?: string; format?: 'ts' | 'esm'; check?: boolean }) => {
      // Loaded on use: the parser and Modelina take seconds to import, and other commands never need them.
      const { defaultFormat, defaultOutDir, generateFiles, staleGeneratedFiles, writeGeneratedFiles } = await import('../../src/codegen/generate.js');
      const outDir = path.resolve(options.out ?? defaultOutDir(options.contract));
      const files = await generateFiles(options.contract, options.format ?? defaultFormat(outDir));
      if (options.check) {
        const stale = await staleGeneratedFiles(files, outDir);
        if (stale.length) {
          process.stderr.write(`generated files are stale (run \`notify generate\`):\n${stale.map((f) => `  ${path.relative(process.cwd(), f)}`).join('\n')}\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`${path.relative(process.cwd(), outDir) || outDir}/ is up to date with ${path.relative(process.cwd(), options.contract) || options.contract}\n`);
        return;
      }
      const written = await writeGeneratedFiles(files, outDir);
      process.stdout.write(`wrote ${written.map((f) => path.relative(process.cwd(), f)).join(', ')}\n`);
    });
}
