// `notify vapid`: prints a new VAPID key pair as the JSON file `notify serve --web-push-keys` reads.
import { Command, Option } from 'commander';
import { exitWithUsageCode, usageError } from '../support/usage.js';

function subject(value: string): string {
  if (!/^(mailto:.+|https:\/\/.+)$/.test(value)) throw usageError(`--subject must be a mailto: or https: URL, got ${JSON.stringify(value)}`);
  return value;
}

export function makeVapidCommand(): Command {
  const command = new Command('vapid')
    .description('Print a new VAPID key pair for Web Push, as the JSON file --web-push-keys reads')
    .addOption(new Option('--subject <url>', 'who push services may contact: mailto:you@example.com or an https: URL').argParser(subject).default('mailto:admin@example.com'))
    .addHelpText(
      'after',
      `
Examples:
  $ notify vapid --subject mailto:ops@example.com > web-push-keys.json && chmod 600 web-push-keys.json
  $ notify serve --web-push-keys web-push-keys.json

Keep the file secret (it holds the private key) and the same on every node: browsers subscribed with its public key.`,
    )
    .action(async (options: { subject: string }) => {
      const { generateVapidKeys } = await import('../../src/web-push/vapid-keys.js');
      process.stdout.write(`${JSON.stringify(generateVapidKeys(options.subject), null, 2)}\n`);
    });
  return exitWithUsageCode(command);
}
