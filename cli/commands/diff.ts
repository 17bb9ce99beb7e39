// `notify diff OLD NEW`: what a contract change breaks, for CI (exit 1 on a breaking change, 2 on unreadable input).
import { Command, Option } from 'commander';
import { exitWithUsageCode } from '../support/usage.js';

/** Builds the `diff` command. */
export function makeDiffCommand(): Command {
  // Bad flags exit 2 like unreadable input: exit 1 must only ever mean "a change meets --fail-on".
  const command = new Command('diff')
    .description('List every change between two versions of a contract, with who it breaks (clients, backends, both or none)')
    .argument('<old>', 'the contract before (e.g. from the main branch)')
    .argument('<new>', 'the contract after')
    .option('--json', 'one JSON object a line: {rule, where, detail, breaks, reason, announced}')
    .addOption(new Option('--fail-on <level>', 'exit 1 when a change meets it').choices(['breaking', 'any', 'none']).default('breaking'))
    .addHelpText(
      'after',
      [
        '',
        'A breaking change is announced (and does not fail --fail-on breaking) when NEW raises info.version\'s major',
        '(below 1.0.0: its minor). Exit codes: 0 nothing to fail on, 1 a change meets --fail-on, 2 unreadable input',
        'or a usage error.',
        '',
        'Examples:',
        '  $ git show origin/main:asyncapi.yaml > base.yaml && npx notify diff base.yaml asyncapi.yaml',
        '  $ notify diff old.yaml asyncapi.yaml --json --fail-on any',
      ].join('\n'),
    )
    .action(async (oldFile: string, newFile: string, options: { json?: boolean; failOn: 'breaking' | 'any' | 'none' }) => {
      // Loaded on use: the parser takes seconds to import.
      const { diffContractFiles, UnreadableContractError } = await import('../../src/contract-diff/diff-files.js');
      const { diffExitCode } = await import('../../src/contract-diff/diff-contracts.js');
      const { formatJsonLines, formatReadable } = await import('../../src/contract-diff/format-changes.js');
      let report;
      try {
        report = await diffContractFiles(oldFile, newFile);
      } catch (error) {
        // Any failure to compare is exit 2, never 1 (which CI reads as "a breaking change").
        const message = error instanceof UnreadableContractError ? error.message : `could not compare the contracts: ${(error as Error).stack ?? String(error)}`;
        process.stderr.write(`notify diff: ${message}\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(options.json ? formatJsonLines(report) : formatReadable(report));
      process.exitCode = diffExitCode(report.changes, options.failOn, report.announced);
    });
  return exitWithUsageCode(command.showHelpAfterError('(run with --help for usage and examples)'));
}
