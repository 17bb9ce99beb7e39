// `notify validate [FILE]` checks the contract; `--type T --data JSON` checks a notification payload.
import { Command } from 'commander';
import { formatFieldErrors } from '../../src/contract/validation-errors.js';
import { contractOption } from '../support/contract-option.js';

export function makeValidateCommand(): Command {
  return new Command('validate')
    .description("Validate the AsyncAPI contract (and that it carries notify's protocol unchanged), or a notification payload against its catalog")
    .argument('[file]', 'the AsyncAPI contract (default: --contract)')
    .addOption(contractOption())
    .option('--type <type>', 'notification type to validate --data against')
    .option('--data <json>', 'the notification data, as JSON')
    .addHelpText('after', `\nExamples:\n  $ notify validate asyncapi.yaml\n  $ notify validate --type info --data '{"title":"Hi","message":"Hello","priority":"low"}'\n  $ notify validate --contract app/asyncapi.yaml --type order_shipped --data '{"orderId":"A-1","trackingUrl":"https://t.example/1"}'`)
    .action(async (fileArgument: string | undefined, options: { contract: string; type?: string; data?: string }) => {
      const file = fileArgument ?? options.contract;
      if (options.type !== undefined || options.data !== undefined) {
        if (options.type === undefined || options.data === undefined) throw new Error('--type and --data go together');
        // Loaded lazily so that `notify generate` runs even before generated/ exists.
        const { checkNotificationJson } = await import('../../src/contract/check-notification.js');
        const { loadCatalog } = await import('../../src/catalog/load-catalog.js');
        const result = checkNotificationJson(options.type, options.data, await loadCatalog(file));
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
      const { checkContract } = await import('../../src/codegen/load-app-contract.js');
      const { formatViolations } = await import('../../src/codegen/protocol-guard.js');
      const { violations } = await checkContract(file, document);
      if (violations.length) {
        process.stderr.write(`${formatViolations(file, violations)}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${file} is a valid AsyncAPI ${document.version()} document\n`);
    });
}
