// Builds the commander program; separate from notify.ts so tests can drive it with exitOverride().
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/paths.js';
import { makeBenchCommand } from './commands/bench.js';
import { makeDiffCommand } from './commands/diff.js';
import { makeDocsCommand } from './commands/docs.js';
import { makeGenerateCommand } from './commands/generate.js';
import { makeInitCommand } from './commands/init.js';
import { makeKeysCommand } from './commands/keys.js';
import { makePushCommand } from './commands/push.js';
import { makeServeCommand } from './commands/serve.js';
import { makeTailCommand } from './commands/tail.js';
import { makeTokenCommand } from './commands/token.js';
import { makeValidateCommand } from './commands/validate.js';
import { makeWebhooksCommand } from './commands/webhooks.js';

const version = (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

export function buildProgram(): Command {
  return new Command('notify')
    .description('Contract-first real-time notifications: AsyncAPI in, typed WebSocket out.')
    .version(version)
    .showHelpAfterError()
    .addCommand(makeServeCommand())
    .addCommand(makeInitCommand())
    .addCommand(makeGenerateCommand())
    .addCommand(makeValidateCommand())
    .addCommand(makePushCommand())
    .addCommand(makeTailCommand())
    .addCommand(makeTokenCommand())
    .addCommand(makeKeysCommand())
    .addCommand(makeDocsCommand())
    .addCommand(makeDiffCommand())
    .addCommand(makeWebhooksCommand())
    .addCommand(makeBenchCommand());
}
