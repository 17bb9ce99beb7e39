// Helpers for the contract suites: the parsed contract, the built CLI, contract copies, schema walking.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadContractOrThrow } from '../../src/codegen/load-contract.js';
import { readContractModel, type ContractModel, type JsonSchema } from '../../src/codegen/contract-model.js';

/** The repository root (holds asyncapi.yaml and package.json). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const contractPath = path.join(repoRoot, 'asyncapi.yaml');
/** The built CLI; the suites run after `npm run build`. */
export const notifyBin = path.join(repoRoot, 'dist', 'cli', 'notify.js');

let model: Promise<ContractModel> | undefined;

/** The repository's contract, parsed once per test file. */
export function contractModel(): Promise<ContractModel> {
  model ??= loadContractOrThrow(contractPath).then(readContractModel);
  return model;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** How long a CLI run may take: generation parses the contract and loads Modelina, slow on a loaded 2-core CI box. */
export const cliTimeoutMs = 180_000;

/** Runs `node <file> ...args` and resolves with its exit code and output (never rejects on a non-zero exit). */
export function runNode(file: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const timeout = options.timeoutMs ?? cliTimeoutMs;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [file, ...args],
      { cwd: options.cwd ?? repoRoot, timeout, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        if (error?.killed) return reject(new Error(`node ${path.basename(file)} ${args.join(' ')} was killed after ${timeout} ms\n${stderr}`));
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** Runs the built `notify` CLI from the repository root. */
export function runNotify(args: readonly string[], options: { cwd?: string } = {}): Promise<RunResult> {
  return runNode(notifyBin, args, options);
}

/** A fresh temporary directory; remove it with {@link removeTempDir}. */
export function makeTempDir(prefix = 'notify-contract-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export function removeTempDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/**
 * Writes a copy of asyncapi.yaml, edited by `edit`, into `dir` and returns its path.
 * Throws when `edit` changed nothing, so a stale search string cannot make a test pass vacuously.
 */
export async function copyContract(dir: string, edit: (text: string) => string = (text) => text, expectChange = true): Promise<string> {
  const original = await readFile(contractPath, 'utf8');
  const edited = edit(original);
  if (expectChange && edited === original) throw new Error('copyContract: the edit did not change the contract');
  const target = path.join(dir, 'asyncapi.yaml');
  await writeFile(target, edited);
  // The catalog references the protocol beside it, as an app's references the one in node_modules/notify.
  await writeFile(path.join(dir, 'protocol.yaml'), await readFile(path.join(repoRoot, 'protocol.yaml')));
  return target;
}

/** Replaces exactly one occurrence of `search`; throws when it occurs zero or several times. */
export function replaceOnce(text: string, search: string, replacement: string): string {
  const first = text.indexOf(search);
  if (first < 0 || text.indexOf(search, first + 1) >= 0) throw new Error(`expected exactly one ${JSON.stringify(search)}`);
  return text.slice(0, first) + replacement + text.slice(first + search.length);
}

/** A deep copy of JSON data. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

function isObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Follows `{ $ref: name }` through the model's named schemas. */
export function resolveSchema(schemas: ReadonlyMap<string, JsonSchema>, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; typeof current['$ref'] === 'string'; hops++) {
    const target = schemas.get(String(current['$ref']).replace(/^.*\//, ''));
    if (!target || hops > 20) throw new Error(`unresolvable $ref ${String(current['$ref'])}`);
    current = target;
  }
  return current;
}

/**
 * JSON paths (schema name + path inside it) of every object schema reachable from `roots`
 * that does not say `additionalProperties: false`. Map-like schemas listed in `allowMaps` may use a schema there instead.
 */
export function openObjectSchemas(schemas: ReadonlyMap<string, JsonSchema>, roots: readonly string[], allowMaps: readonly string[] = []): string[] {
  const open: string[] = [];
  const visited = new Set<string>();
  const visit = (schema: unknown, where: string, name: string): void => {
    if (Array.isArray(schema)) return schema.forEach((item, i) => visit(item, `${where}/${i}`, name));
    if (!isObject(schema)) return;
    if (typeof schema['$ref'] === 'string') return visitNamed(String(schema['$ref']).replace(/^.*\//, ''));
    const isObjectSchema = schema['type'] === 'object' || isObject(schema['properties']);
    if (isObjectSchema && schema['additionalProperties'] !== false) {
      const mapOk = allowMaps.includes(name) && where === name && isObject(schema['additionalProperties']) && !schema['properties'];
      if (!mapOk) open.push(where);
    }
    for (const [key, child] of Object.entries(schema)) {
      if (key === 'examples' || key === 'enum' || key === 'const' || key === 'default') continue;
      visit(child, `${where}/${key}`, name);
    }
  };
  const visitNamed = (name: string): void => {
    if (visited.has(name)) return;
    visited.add(name);
    const schema = schemas.get(name);
    if (!schema) throw new Error(`unknown schema ${name}`);
    visit(schema, name, name);
  };
  roots.forEach(visitNamed);
  return open;
}
