// Runs one CLI command in-process with exitOverride(), capturing stdout, stderr and the exit code.
import type { Command } from 'commander';
import { vi } from 'vitest';

export interface CommandRun {
  stdout: string;
  stderr: string;
  /** process.exitCode as the command left it (undefined = 0). */
  exitCode: number | undefined;
  /** What parseAsync threw: a CommanderError for usage errors, an Error for failures notify.ts would print. */
  error: unknown;
}

export async function runCommand(command: Command, args: string[]): Promise<CommandRun> {
  let stdout = '';
  let stderr = '';
  command.exitOverride().configureOutput({ writeOut: (s) => void (stdout += s), writeErr: (s) => void (stderr += s) });
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  let error: unknown;
  try {
    await command.parseAsync(args, { from: 'user' });
  } catch (caught) {
    error = caught;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const exitCode = typeof process.exitCode === 'number' ? process.exitCode : undefined;
  process.exitCode = undefined;
  return { stdout, stderr, exitCode, error };
}
