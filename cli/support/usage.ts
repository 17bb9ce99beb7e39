// Exit codes of the client commands: 0 ok, 1 error or invalid input, 2 usage (bad flags or arguments).
import { Command, CommanderError, InvalidArgumentError } from 'commander';

/** Exit code of a command-line usage error. */
export const usageExitCode = 2;

/** An InvalidArgumentError that exits with {@link usageExitCode}; option parsers throw it. */
export function usageError(message: string): InvalidArgumentError {
  const error = new InvalidArgumentError(message);
  error.exitCode = usageExitCode;
  return error;
}

/**
 * Makes every commander error of `command` exit 2 (help and version still exit 0). Tests replace this
 * with `exitOverride()` and assert on `err.code`.
 */
export function exitWithUsageCode(command: Command): Command {
  return command.exitOverride((error: CommanderError) => {
    process.exit(error.exitCode === 0 ? 0 : usageExitCode);
  });
}

/** Reports a usage error found in an action (e.g. two options that exclude each other) and exits 2. */
export function failUsage(command: Command, message: string): never {
  command.error(`error: ${message}`, { exitCode: usageExitCode, code: 'notify.usage' });
  // command.error never returns: it exits, or its exit override throws.
  throw new CommanderError(usageExitCode, 'notify.usage', message);
}
