// `notify keys list [--all] [--json]`: name, scopes, rate, created and last used of each API key; never a key.
import { Command, Option } from 'commander';
import type { KeyView } from '../../src/auth/api-key-admin.js';
import { addOptions } from '../support/options.js';
import { openStoreFromFlags, storeOptions, type StoreFlags } from '../support/store-options.js';
import { exitWithUsageCode } from '../support/usage.js';

interface ListOptions extends StoreFlags {
  all?: boolean;
  json?: boolean;
}

/** A fixed-width table, one key a line (times to the second, UTC). */
function table(keys: readonly KeyView[]): string {
  const time = (iso: string | undefined): string => (iso === undefined ? 'never' : `${iso.slice(0, 19).replace('T', ' ')}Z`);
  const rows = [['NAME', 'SCOPES', 'RATE', 'CREATED', 'LAST USED', ...(keys.some((k) => k.revokedAt) ? ['REVOKED'] : [])]];
  for (const k of keys) rows.push([k.name, k.scopes.join(','), k.rate ?? '-', time(k.createdAt), time(k.lastUsedAt), ...(rows[0]!.length > 5 ? [k.revokedAt ? time(k.revokedAt) : '-'] : [])]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function makeKeysListCommand(): Command {
  const command = addOptions(
    new Command('list')
      .description('List the API keys: name, scopes, rate, created, last used (never the key)')
      .addOption(new Option('--all', 'revoked keys too'))
      .addOption(new Option('--json', 'one JSON object a line')),
    storeOptions(),
  ).action(async (options: ListOptions) => {
    const { keyView } = await import('../../src/auth/api-key-admin.js');
    const store = await openStoreFromFlags(options);
    try {
      const keys = (await store.apiKeys.list({ includeRevoked: options.all === true })).map(keyView);
      if (options.json) for (const key of keys) process.stdout.write(`${JSON.stringify(key)}\n`);
      else process.stdout.write(keys.length === 0 ? 'no API keys (create one with: notify keys create --name NAME --scopes push)\n' : `${table(keys)}\n`);
    } finally {
      await store.close();
    }
  });
  return exitWithUsageCode(command);
}
