// `notify keys create --name N --scopes push,read [--rate 100/s]`: a new API key, printed once, alone on the last line.
import { Command, Option } from 'commander';
import { formatRate, parseRate, parseScopes } from '../../src/auth/api-key.js';
import type { ApiKeyRate, ApiKeyScope } from '../../src/store/api-keys.js';
import { addOptions } from '../support/options.js';
import { openStoreFromFlags, storeOptions, type StoreFlags } from '../support/store-options.js';
import { exitWithUsageCode, usageError } from '../support/usage.js';

interface CreateOptions extends StoreFlags {
  name: string;
  scopes: ApiKeyScope[];
  rate?: ApiKeyRate;
}

const usage = <T>(parse: (value: string) => T) => (value: string): T => {
  try {
    return parse(value);
  } catch (error) {
    throw usageError((error as Error).message);
  }
};

export function makeKeysCreateCommand(): Command {
  const command = addOptions(
    new Command('create')
      .description('Create an API key for a backend; prints it once (only its hash is stored)')
      .addOption(new Option('--name <name>', 'what the key is called (1–64 of A-Z a-z 0-9 . _ -); unique among keys not revoked').makeOptionMandatory())
      .addOption(new Option('--scopes <list>', 'comma list of push, read, admin').argParser(usage(parseScopes)).makeOptionMandatory())
      .addOption(new Option('--rate <rate>', 'token bucket: COUNT/s, COUNT/m or COUNT/h, e.g. 100/s (default: no limit)').argParser(usage(parseRate))),
    storeOptions(),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ notify keys create --name billing --scopes push,read --rate 100/s
  $ KEY=$(notify keys create --name crm --scopes push --store postgres://db/notify | tail -n 1)`,
    )
    .action(async (options: CreateOptions) => {
      const { createApiKey, checkKeyName } = await import('../../src/auth/api-key-admin.js');
      try {
        checkKeyName(options.name);
      } catch (error) {
        command.error(`error: ${(error as Error).message}`, { exitCode: 2, code: 'notify.usage' });
      }
      const store = await openStoreFromFlags(options);
      try {
        const { key, record } = await createApiKey(store.apiKeys, { name: options.name, scopes: options.scopes, ...(options.rate ? { rate: options.rate } : {}) });
        const rate = record.rate ? `rate ${formatRate(record.rate)}` : 'no rate limit';
        process.stdout.write(`created API key "${record.name}" (scopes ${record.scopes.join(', ')}; ${rate})\n`);
        process.stdout.write('it is shown this once (only its hash is stored); running servers accept it within a second:\n');
        process.stdout.write(`${key}\n`);
      } finally {
        await store.close();
      }
    });
  return exitWithUsageCode(command);
}
