// A throwaway project that installed this repository's packed package (`npm pack`), for tests that import it by name.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './contract.js';

const run = promisify(execFile);
/** The first install of the dependencies can take minutes on a loaded 2-core machine (a native build among them). */
export const packedInstallTimeoutMs = 10 * 60_000;

export interface PackedInstall {
  /** The consumer project: `package.json` and `node_modules/notify` unpacked from the tarball. */
  readonly dir: string;
  /** The tarball `npm pack` made of the repository. */
  readonly tarball: string;
  /** Runs `node --input-type=module -e <code>` in the project; resolves with stdout (rejects with stderr on failure). */
  node(code: string, timeoutMs?: number): Promise<string>;
  /** Removes the project and the tarball (the cached dependencies stay). */
  remove(): Promise<void>;
}

/** The dependencies a tarball brings change only with package.json's dependencies or the lockfile. */
function dependencyKey(): string {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  const hash = createHash('sha256');
  hash.update(JSON.stringify([manifest['dependencies'], manifest['allowScripts']]));
  hash.update(readFileSync(path.join(repoRoot, 'package-lock.json')));
  hash.update(process.version);
  return hash.digest('hex').slice(0, 16);
}

/** A consumer's package.json: ESM, and the install scripts this package needs approved (npm 11 allowScripts). */
function consumerManifest(): string {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { allowScripts?: unknown };
  return `${JSON.stringify({ name: 'notify-consumer', private: true, type: 'module', allowScripts: manifest.allowScripts ?? {} }, null, 2)}\n`;
}

/**
 * A project with the tarball's dependencies installed by npm, cached under the OS temp directory by the
 * lockfile's hash (built once, then reused by every run and every worktree with the same lockfile).
 */
async function cachedDependencies(tarball: string): Promise<string> {
  const cacheRoot = path.join(tmpdir(), 'notify-packed-install');
  const cached = path.join(cacheRoot, dependencyKey());
  if (existsSync(path.join(cached, '.ready'))) return cached;
  await mkdir(cacheRoot, { recursive: true });
  // Built aside and renamed into place, so a concurrent run never sees half an install.
  const building = await mkdtemp(path.join(cacheRoot, 'building-'));
  try {
    await writeFile(path.join(building, 'package.json'), consumerManifest());
    await run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: building, timeout: packedInstallTimeoutMs, maxBuffer: 16 * 1024 * 1024 });
    await writeFile(path.join(building, '.ready'), `${new Date().toISOString()}\n`);
    await rename(building, cached).catch(async (error: NodeJS.ErrnoException) => {
      // Another run finished first: use its copy.
      if (!['ENOTEMPTY', 'EEXIST'].includes(error.code ?? '')) throw error;
      await rm(building, { recursive: true, force: true });
    });
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    throw error;
  }
  return cached;
}

/**
 * Packs the repository as it is built (`npm pack` of dist/, so run after `npm run build`) and installs the
 * tarball into a fresh project: the dependencies come from the cache above (hard-linked, never written),
 * `node_modules/notify` is unpacked from this very tarball, as `npm install` of it does when they are current.
 */
export async function packedInstall(): Promise<PackedInstall> {
  const packDir = await mkdtemp(path.join(tmpdir(), 'notify-pack-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  if (!packed) throw new Error(`npm pack printed no file: ${stdout}`);
  const tarball = path.join(packDir, packed.filename);

  const dependencies = await cachedDependencies(tarball);
  const dir = await mkdtemp(path.join(tmpdir(), 'notify-consumer-'));
  await rm(dir, { recursive: true });
  await run('cp', ['-al', dependencies, dir]);
  const installed = path.join(dir, 'node_modules', 'notify');
  await rm(installed, { recursive: true, force: true });
  await mkdir(installed, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  if ((await readdir(installed)).length === 0) throw new Error(`${tarball} unpacked to nothing`);

  return {
    dir,
    tarball,
    async node(code, timeoutMs = 30_000) {
      try {
        const result = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: dir, timeout: timeoutMs, env: { ...process.env, NODE_OPTIONS: '' } });
        return result.stdout;
      } catch (error) {
        const failed = error as Error & { stderr?: string };
        throw new Error(`node -e in ${dir} failed: ${failed.stderr ?? failed.message}`);
      }
    },
    async remove() {
      await rm(dir, { recursive: true, force: true });
      await rm(packDir, { recursive: true, force: true });
    },
  };
}
