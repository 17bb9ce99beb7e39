// Runs the built CLI (dist/cli/notify.js) as child processes for end-to-end tests.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const cliPath = path.resolve('dist/cli/notify.js');

/** Fails fast with the fix when the CLI was not built (`npm test` builds first). */
export function requireBuiltCli(): void {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` before these tests`);
}

/** A child process whose stdout and stderr are collected as lines. */
export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdoutLines: string[];
  stderr(): string;
  /** Resolves with the first stdout line (already printed or upcoming) that matches. */
  waitForLine(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves once the process ended and its output was read ('close'). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Environment without NOTIFY_* variables of the test runner, plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('NOTIFY_')));
  return { ...base, NO_COLOR: '1', ...env };
}

export function spawnCli(args: string[], options: { cwd: string; env?: Record<string, string> }): CliProcess {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: options.cwd, env: cleanEnv(options.env ?? {}) });
  const stdoutLines: string[] = [];
  let partial = '';
  let stderr = '';
  const waiters = new Set<{ predicate: (line: string) => boolean; resolve: (line: string) => void }>();
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      stdoutLines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(line)) {
          waiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stdoutLines,
    stderr: () => stderr,
    exited,
    waitForLine(predicate, timeoutMs = 10_000) {
      const existing = stdoutLines.find(predicate);
      if (existing !== undefined) return Promise.resolve(existing);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching line within ${timeoutMs} ms.\nstdout:\n${stdoutLines.join('\n')}\nstderr:\n${stderr}`));
        }, timeoutMs);
        const waiter = {
          predicate,
          resolve: (line: string) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        waiters.add(waiter);
      });
    },
  };
}

/** Runs the CLI to completion. */
export async function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(args, options);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdoutLines.join('\n'), stderr: cli.stderr() };
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `url` until it answers 2xx. */
export async function waitForHttp(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
