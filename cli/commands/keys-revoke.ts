// `notify keys revoke NAME`: every server refuses the key (401) within a second; exits 1 when no such key works.
import { Command } from 'commander';
import { addOptions } from '../support/options.js';
import { openStoreFromFlags, storeOptions, type StoreFlags } from '../support/store-options.js';
import { exitWithUsageCode } from '../support/usage.js';

export function makeKeysRevokeCommand(): Command {
  const command = addOptions(
    new Command('revoke').description('Revoke an API key: every server refuses it within a second').argument('<name>', 'the key to revoke'),
    storeOptions(),
  ).action(async (name: string, options: StoreFlags) => {
    const store = await openStoreFromFlags(options);
    try {
      if (!(await store.apiKeys.revoke(name, Date.now()))) throw new Error(`no API key named "${name}" is in use (see notify keys list --all)`);
      process.stdout.write(`revoked API key "${name}"\n`);
    } finally {
      await store.close();
    }
  });
  return exitWithUsageCode(command);
}
