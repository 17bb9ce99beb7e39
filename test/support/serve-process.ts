// Runs real `node dist/cli/notify.js serve` processes for scale tests: waits for the logged URL, reads the JSON logs, stops them.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintUserToken } from './server.js';

const cliPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli/notify.js');

export interface LogLine {
  msg?: string;
  pid?: number;
  [key: string]: unknown;
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  streamUrl: string;
  /** Every JSON log line so far, in order. */
  logs: LogLine[];
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The first log line at index >= `from` that matches. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number, from?: number): Promise<LogLine>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Secrets shared by the nodes of one test deployment, and helpers that use them. */
export interface Deployment {
  jwtSecret: string;
  pushToken: string;
  /** The serve flags carrying the secrets. */
  secretFlags: string[];
  token(userId: string, ttlSec?: number): Promise<string>;
  /** POST a push over a fresh TCP connection (so node:cluster hands each to the next worker). */
  push(baseUrl: string, userId: string, type: string, data: unknown): Promise<{ status: number; body: { id: string; delivered: number } }>;
  /** POST a broadcast the same way. */
  broadcast(baseUrl: string, type: string, data: unknown): Promise<{ status: number; body: { id: string; count: number; delivered: number } }>;
}

export function makeDeployment(): Deployment {
  const jwtSecret = randomBytes(32).toString('hex');
  const pushToken = randomBytes(16).toString('hex');
  return {
    jwtSecret,
    pushToken,
    secretFlags: ['--jwt-secret', jwtSecret, '--push-token', pushToken],
    token: (userId, ttlSec = 3600) => mintUserToken(jwtSecret, userId, ttlSec),
    async push(baseUrl, userId, type, data) {
      const { status, body } = await request('POST', `${baseUrl}/api/v1/users/${encodeURIComponent(userId)}/notifications`, { type, data }, {
        authorization: `Bearer ${pushToken}`,
      });
      return { status, body: body as { id: string; delivered: number } };
    },
    async broadcast(baseUrl, type, data) {
      const { status, body } = await request('POST', `${baseUrl}/api/v1/notifications`, { broadcast: true, type, data }, { authorization: `Bearer ${pushToken}` });
      return { status, body: body as { id: string; count: number; delivered: number } };
    },
  };
}

/** One HTTP request on a connection of its own (no keep-alive pool); JSON in and out. */
export function request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      url,
      { method, agent: false, headers: { ...headers, ...(text === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString();
          let parsed: unknown = raw;
          try {
            parsed = JSON.parse(raw);
          } catch {
            // keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(text);
  });
}

const running = new Set<ServeProcess>();

/**
 * Spawns `notify serve --port 0 --log-level info …args` and resolves once it logs its URL; rejects
 * with the output so far if it exits first or takes longer than `startTimeoutMs`. `where` runs another
 * copy of the CLI (an installed package) in another directory.
 */
export async function spawnServe(args: string[], env: Record<string, string> = {}, startTimeoutMs = 60_000, where: { cli?: string; cwd?: string } = {}): Promise<ServeProcess> {
  const cli = where.cli ?? cliPath;
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` before the scale tests`);
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--host', '127.0.0.1', '--log-level', 'info', ...args], {
    ...(where.cwd !== undefined && { cwd: where.cwd }),
    // Only the configuration a test gives: NOTIFY_* variables of the runner's shell are left out.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NOTIFY_'))), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const output: string[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = true;
      resolve({ code, signal });
      for (const waiter of [...waiters]) waiter();
    });
  });
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      output.push(line);
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        continue;
      }
    }
    for (const waiter of [...waiters]) waiter();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));

  function waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 15_000, from = 0): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = logs.slice(from).find(predicate);
        if (!hit && !ended) return;
        waiters.delete(check);
        clearTimeout(timer);
        if (hit) resolve(hit);
        else reject(new Error(`serve exited before the expected log line; output:\n${output.slice(-30).join('\n')}`));
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no matching log line within ${timeoutMs} ms; output:\n${output.slice(-30).join('\n')}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  const proc: ServeProcess = {
    child,
    url: '',
    wsUrl: '',
    streamUrl: '',
    logs,
    exited,
    waitForLog,
    async stop(signal = 'SIGTERM') {
      if (!ended) child.kill(signal);
      const result = await exited;
      running.delete(proc);
      return result;
    },
  };
  running.add(proc);
  try {
    const line = await waitForLog((l) => typeof l.url === 'string', startTimeoutMs);
    proc.url = line.url as string;
  } catch (error) {
    child.kill('SIGKILL');
    running.delete(proc);
    throw error;
  }
  proc.wsUrl = `${proc.url.replace(/^http/, 'ws')}/api/v1/notifications`;
  proc.streamUrl = `${proc.url}/api/v1/notifications/stream`;
  return proc;
}

/** SIGKILLs every serve process (and, for a cluster primary, its workers) still running; for afterAll. */
export async function killAllServeProcesses(extraPids: number[] = []): Promise<void> {
  for (const pid of extraPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.all([...running].map((p) => p.stop('SIGKILL')));
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function waitUntil(done: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Runs `notify serve …args` to its end (for starts that must fail); kills it after `timeoutMs`. */
export function runServeToExit(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; logs: LogLine[] }> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` before the scale tests`);
  const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0', '--host', '127.0.0.1', ...args], {
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NOTIFY_'))),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      const logs = output.split('\n').flatMap((line) => {
        try {
          return [JSON.parse(line) as LogLine];
        } catch {
          return [];
        }
      });
      resolve({ code, logs });
    });
  });
}
