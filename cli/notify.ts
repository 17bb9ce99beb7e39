#!/usr/bin/env node
// The `notify` command: joins every subcommand and runs it.
import { buildProgram } from './program.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`notify: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
