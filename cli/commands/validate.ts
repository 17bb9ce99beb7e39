// `notify validate [FILE]` checks the contract; `--type T --data JSON` checks a notification payload.
import { Command } from 'commander';
import { defaultContractPath } from '../../src/paths.js';
import { formatFieldErrors } from '../../src/contract/validation-errors.js';

export function makeValidateCommand(): Command {
  return new Command('validate')
    .description('Validate the AsyncAPI document, or a notification payload against it')
    .argument('[file]', 'the AsyncAPI document', defaultContractPath())
    .option('--type <type>', 'notification type to validate --data against')
    .option('--data <json>', 'the notification data, as JSON')
    .addHelpText('after', `\nExamples:\n  $ notify validate asyncapi.yaml\n  $ notify validate --type info --data '{"title":"Hi","message":"Hello","priority":"low"}'`)
    .action(async (file: string, options: { type?: string; data?: string }) => {
      if (options.type !== undefined || options.data !== undefined) {
        if (options.type === undefined || options.data === undefined) throw new Error('--type and --data go together');
        // Loaded lazily so that `notify generate` runs even before generated/ exists.
        const { checkNotificationJson } = await import('../../src/contract/check-notification.js');
        const result = checkNotificationJson(options.type, options.data);
        if (!result.ok) {
          process.stderr.write(`${result.message}\n${formatFieldErrors(result.errors)}\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`valid ${options.type}\n`);
        return;
      }
      // Loaded on use: the AsyncAPI parser is heavy, and `serve` (which builds this command too) never needs it.
      const { formatDiagnostic, loadContract } = await import('../../src/codegen/load-contract.js');
      const { document, diagnostics } = await loadContract(file);
      for (const d of diagnostics) {
        if (d.severity === 'error' || d.severity === 'warning') process.stderr.write(`${formatDiagnostic(file, d)}\n`);
      }
      if (!document) {
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${file} is a valid AsyncAPI ${document.version()} document\n`);
    });
}
