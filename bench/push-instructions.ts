// Counts the user-space instructions a server spends per push under valgrind's callgrind: exact and load-independent, for before/after comparisons of the push path.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { mintToken } from '../src/auth/mint-token.js';
import { benchBody, pushTag } from './protocol.js';
import { RawHttpConnection } from './raw-http.js';
import { compiledPath } from './server-process.js';

/**
 * How: the server runs under `valgrind --tool=callgrind --instr-atstart=no` (uninstrumented while it starts, which
 * takes a minute under valgrind); `devices` WebSocket clients connect, `warm` pushes run uninstrumented (JIT tiers,
 * SQLite page cache), then `callgrind_control --instr=on` starts counting, `pushes` more are made (closed loop,
 * `concurrency` in flight, each delivered to its device), and the counts are dumped. The figure is the server's
 * instructions (all its threads, user space only: the kernel's side of socket writes and fsync is not counted) per push.
 */
export interface InstructionRun {
  target: 'notify' | 'baseline';
  pushes: number;
  /** Every thread: V8's concurrent compiler and GC threads make this one jump when a major GC or a late optimization falls in the window. */
  instructions: number;
  perPush: number;
  /** The main (JavaScript) thread alone: the steadier figure for comparing builds. */
  mainPerPush: number;
}

interface Options {
  target: 'notify' | 'baseline';
  store: string;
  devices: number;
  warm: number;
  pushes: number;
  concurrency: number;
  /** Keep the main thread's measured callgrind dump here (for callgrind_annotate). */
  keep?: string;
}

const host = '127.0.0.1';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function ping(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(url, { timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

async function closedLoop(port: number, headers: string, target: Options['target'], users: number, total: number, concurrency: number): Promise<void> {
  const connections = await Promise.all(Array.from({ length: concurrency }, () => RawHttpConnection.open(host, port, headers, 60_000)));
  let sent = 0;
  let failed = 0;
  await Promise.all(
    connections.map(
      (connection) =>
        new Promise<void>((resolve) => {
          const next = (): void => {
            if (sent >= total) return resolve();
            const user = `u${sent++ % users}`;
            const url = target === 'notify' ? `/api/v1/users/${user}/notifications` : `/push?user=${user}`;
            connection.post(url, benchBody(pushTag, 0), (status) => {
              if (status < 200 || status > 299) failed++;
              next();
            });
          };
          next();
        }),
    ),
  );
  for (const connection of connections) connection.close();
  if (failed > 0) throw new Error(`${failed} pushes failed`);
}

export async function countInstructions(options: Options): Promise<InstructionRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'notify-instructions-'));
  const port = 20_000 + Math.floor(Math.random() * 10_000);
  const secret = randomBytes(32).toString('hex');
  const pushToken = randomBytes(24).toString('hex');
  const script = options.target === 'notify' ? compiledPath('cli', 'notify.js') : compiledPath('bench', 'baseline-server.js');
  const args =
    options.target === 'notify'
      ? [script, 'serve', '--host', host, '--port', String(port), '--store', options.store === 'memory' ? 'memory' : `sqlite:${path.join(dir, 'notify.db')}`, '--log-level', 'warn', '--state-dir', dir]
      : [script, '--host', host, '--port', String(port)];
  const out = path.join(dir, 'callgrind.out');
  const child: ChildProcess = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--callgrind-out-file=${out}`, process.execPath, ...args], {
    env: { ...process.env, NOTIFY_JWT_SECRET: secret, NOTIFY_PUSH_TOKEN: pushToken, BENCH_JWT_SECRET: secret },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const sockets: WebSocket[] = [];
  try {
    const readyUrl = `http://${host}:${port}${options.target === 'notify' ? '/api/status/ping' : '/ping'}`;
    for (let waited = 0; !(await ping(readyUrl)); waited += 500) {
      if (child.exitCode !== null || waited > 600_000) throw new Error(`server did not start: ${stderr.slice(-800)}`);
      await sleep(500);
    }
    for (let i = 0; i < options.devices; i++) {
      const token = await mintToken({ secret, sub: `u${i}`, ttlSec: 3600 });
      const url = options.target === 'notify' ? `ws://${host}:${port}/api/v1/notifications?token=${token}` : `ws://${host}:${port}/ws?token=${token}`;
      const ws = new WebSocket(url, { perMessageDeflate: false });
      sockets.push(ws);
      await new Promise<void>((resolve, reject) => {
        ws.once('error', reject);
        if (options.target === 'notify') ws.once('message', () => resolve());
        else ws.once('open', () => resolve());
      });
    }
    const headers = options.target === 'notify' ? `Authorization: Bearer ${pushToken}\r\n` : '';
    await closedLoop(port, headers, options.target, options.devices, options.warm, options.concurrency);
    execFileSync('callgrind_control', ['--instr=on', String(child.pid)], { stdio: 'ignore' });
    await closedLoop(port, headers, options.target, options.devices, options.pushes, options.concurrency);
    // Let the last frames and the WAL sync finish inside the counted window.
    await sleep(1000);
    execFileSync('callgrind_control', ['--dump=measured', String(child.pid)], { stdio: 'ignore' });
    // One file per thread (`-01` is the main thread), each holding the counts of the window.
    const dumps = readdirSync(dir).filter((f) => f.startsWith('callgrind.out'));
    let instructions = 0;
    let main = 0;
    for (const dump of dumps) {
      const text = readFileSync(path.join(dir, dump), 'utf8');
      if (!text.includes('measured')) continue;
      const totals = /^(?:totals|summary): (\d+)/m.exec(text);
      if (!totals) continue;
      instructions += Number(totals[1]);
      if (/-01$/.test(dump)) {
        main = Number(totals[1]);
        if (options.keep) copyFileSync(path.join(dir, dump), options.keep);
      }
    }
    if (instructions === 0 || main === 0) throw new Error(`no callgrind dump with counts in ${dir}: ${dumps.join(', ')}`);
    return { target: options.target, pushes: options.pushes, instructions, perPush: instructions / options.pushes, mainPerPush: main / options.pushes };
  } finally {
    for (const ws of sockets) ws.terminate();
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run as a script: `node dist/bench/push-instructions.js [--target notify|baseline] [--store sqlite|memory] [--pushes N] [--warm N] [--devices N] [--concurrency C] [--keep FILE]`.
if (process.argv[1]?.endsWith('push-instructions.js')) {
  const arg = (name: string, fallback: string): string => {
    const at = process.argv.indexOf(name);
    return at < 0 ? fallback : process.argv[at + 1]!;
  };
  countInstructions({
    target: arg('--target', 'notify') as Options['target'],
    store: arg('--store', 'sqlite'),
    devices: Number(arg('--devices', '50')),
    warm: Number(arg('--warm', '3000')),
    pushes: Number(arg('--pushes', '2000')),
    concurrency: Number(arg('--concurrency', '16')),
    ...(process.argv.includes('--keep') ? { keep: arg('--keep', '') } : {}),
  }).then(
    (run) => process.stdout.write(`${JSON.stringify(run)}\n`),
    (error: unknown) => {
      process.stderr.write(`push-instructions: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
