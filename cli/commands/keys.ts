// `notify keys create|list|revoke`: API keys for backends, managed on the store (no server needs to run).
import { Command } from 'commander';
import { makeKeysCreateCommand } from './keys-create.js';
import { makeKeysListCommand } from './keys-list.js';
import { makeKeysRevokeCommand } from './keys-revoke.js';

export function makeKeysCommand(): Command {
  return new Command('keys')
    .description('API keys for backends: create (shown once), list, revoke; on the store given by --store, as serve takes it')
    .addCommand(makeKeysCreateCommand())
    .addCommand(makeKeysListCommand())
    .addCommand(makeKeysRevokeCommand());
}
