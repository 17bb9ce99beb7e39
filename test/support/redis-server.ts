// Private redis-server processes for tests (outage, Cluster, Sentinel): free ports on 127.0.0.1, temp dirs, torn down after.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port nobody listens on right now (the kernel picks it; we close and hand it out). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Why `redis-server` cannot be started here, or null. */
export async function redisServerMissing(): Promise<string | null> {
  return new Promise((resolve) => {
    const probe = spawn('redis-server', ['--version'], { stdio: 'ignore' });
    probe.on('error', (error) => resolve(`redis-server binary not runnable: ${error.message}`));
    probe.on('exit', (code) => resolve(code === 0 ? null : `redis-server --version exited ${code}`));
  });
}

export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  /** Starts (again) on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** Kills it (SIGKILL: an outage, not a shutdown) and waits for the exit. */
  stop(): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

/** A redis-server on a free port with no persistence; `args` adds config (e.g. cluster or sentinel). */
export async function startRedisServer(
  args: string[] = [],
  options: { port?: number; /** Writes a config file into `dir` and returns its path (then `args` follow it). */ configFile?: (dir: string, port: number) => string } = {},
): Promise<RedisProcess> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'notify-redis-'));
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const argv = options.configFile
      ? [options.configFile(dir, port), ...args]
      : ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args];
    child = spawn('redis-server', argv, { stdio: 'ignore' });
    await waitForPing(port, 10_000);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once a raw PING on the port answers +PONG. */
export async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(500);
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.on('error', () => resolve(false));
      socket.on('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server on 127.0.0.1:${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10000 > 65535) continue;
    const bus = net.createServer();
    const ok = await new Promise<boolean>((resolve) => {
      bus.once('error', () => resolve(false));
      bus.listen(port + 10000, '127.0.0.1', () => resolve(true));
    });
    if (ok) {
      await new Promise((resolve) => bus.close(resolve));
      return port;
    }
  }
}

export interface RedisGroup {
  /** The bus URL of the group. */
  readonly url: string;
  dispose(): Promise<void>;
}

/** Three primaries, no replicas, all 16384 slots assigned; resolves once every node reports cluster_state:ok. */
export async function startRedisCluster(): Promise<RedisGroup> {
  const nodes: RedisProcess[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freeClusterPort();
      nodes.push(await startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '3000'], { port }));
    }
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    const deadline = Date.now() + 20_000;
    for (const node of nodes) {
      for (;;) {
        const { stdout } = await promisify(execFile)('redis-cli', ['-p', String(node.port), 'cluster', 'info']);
        if (stdout.includes('cluster_state:ok')) break;
        if (Date.now() > deadline) throw new Error(`Redis Cluster on ${node.port} not ok: ${stdout.split('\n')[0]}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    await Promise.all(nodes.map((n) => n.dispose()));
    throw error;
  }
  return {
    url: `redis+cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`,
    dispose: async () => void (await Promise.all(nodes.map((n) => n.dispose()))),
  };
}

/** A primary and one Sentinel monitoring it as `name`; resolves once the Sentinel knows the primary. */
export async function startRedisSentinel(name = 'notifyprimary'): Promise<RedisGroup> {
  const primary = await startRedisServer();
  let sentinel: RedisProcess | undefined;
  try {
    sentinel = await startRedisServer(['--sentinel'], {
      configFile: (dir, port) => {
        const file = join(dir, 'sentinel.conf');
        writeFileSync(file, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${name} 127.0.0.1 ${primary.port} 1`, `sentinel down-after-milliseconds ${name} 5000`, ''].join('\n'));
        return file;
      },
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { stdout } = await promisify(execFile)('redis-cli', ['-p', String(sentinel.port), 'sentinel', 'get-master-addr-by-name', name]);
      if (stdout.includes(String(primary.port))) break;
      if (Date.now() > deadline) throw new Error(`Sentinel does not know ${name}: ${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await Promise.all([primary.dispose(), sentinel?.dispose()]);
    throw error;
  }
  const s = sentinel;
  return {
    url: `redis+sentinel://127.0.0.1:${s.port}?name=${name}`,
    dispose: async () => void (await Promise.all([primary.dispose(), s.dispose()])),
  };
}
