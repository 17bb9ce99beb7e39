// A contract and the files its `$ref`s reach (the protocol inside the installed notify): their hash, and one bundled document.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** Bumped when the shape of generated output changes, so output from an older generator counts as stale. */
export const generatorFormat = 2;

type Json = unknown;

interface LoadedFile {
  file: string;
  text: string;
  root: Json;
}

/** Reads YAML (or JSON) files once each, in the order they are first reached. */
class FileSet {
  readonly files = new Map<string, LoadedFile>();

  load(file: string): LoadedFile {
    const absolute = path.resolve(file);
    let loaded = this.files.get(absolute);
    if (!loaded) {
      const text = readFileSync(absolute, 'utf8');
      loaded = { file: absolute, text, root: parse(text) as Json };
      this.files.set(absolute, loaded);
    }
    return loaded;
  }
}

function splitRef(ref: string): { file: string; pointer: string } {
  const hash = ref.indexOf('#');
  return hash < 0 ? { file: ref, pointer: '' } : { file: ref.slice(0, hash), pointer: ref.slice(hash + 1) };
}

function atPointer(root: Json, pointer: string, where: string): Json {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) throw new Error(`${where}: $ref target #${pointer} does not exist`);
    node = (node as Record<string, Json>)[key];
  }
  return node;
}

function refOf(node: Json): string | undefined {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const ref = (node as Record<string, Json>)['$ref'];
  return typeof ref === 'string' ? ref : undefined;
}

/** Every file the contract's `$ref`s reach, transitively, the contract first. */
function reachedFiles(contractFile: string): FileSet {
  const set = new FileSet();
  const visit = (file: string): void => {
    if (set.files.has(path.resolve(file))) return;
    const loaded = set.load(file);
    const walk = (node: Json): void => {
      if (node === null || typeof node !== 'object') return;
      const ref = refOf(node);
      if (ref !== undefined) {
        const target = splitRef(ref).file;
        if (target && !/^[a-z]+:\/\//i.test(target)) visit(path.resolve(path.dirname(loaded.file), target));
      }
      for (const child of Object.values(node)) walk(child);
    };
    walk(loaded.root);
  };
  visit(contractFile);
  return set;
}

/**
 * `sha256:…` over the generator format and the bytes of the contract and of every file it references, in the
 * order they are reached. An edit to the app's file or an upgrade of notify that changes its protocol changes it.
 */
export function contractHash(contractFile: string): string {
  const hash = createHash('sha256').update(`notify-generate/${generatorFormat}\n`);
  for (const { text } of reachedFiles(contractFile).files.values()) hash.update(`${text.length}\n`).update(text);
  return `sha256:${hash.digest('hex')}`;
}

/** The contract's files, absolute, the contract first. */
export function contractFiles(contractFile: string): string[] {
  return [...reachedFiles(contractFile).files.keys()];
}

/**
 * The contract as one document: each `$ref` into another file is replaced by its target, itself fully resolved;
 * references inside the contract stay. A browser viewer needs this, since it cannot read the package's files.
 */
export function bundleContract(contractFile: string): Record<string, Json> {
  const set = new FileSet();
  const contract = set.load(contractFile);
  const inline = (node: Json, from: LoadedFile, external: boolean, depth: number): Json => {
    if (depth > 64) throw new Error(`${from.file}: $refs nest deeper than 64 levels (a cycle?)`);
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map((item) => inline(item, from, external, depth));
    const ref = refOf(node);
    if (ref !== undefined) {
      const { file, pointer } = splitRef(ref);
      if (file || external) {
        const target = file ? set.load(path.resolve(path.dirname(from.file), file)) : from;
        return inline(atPointer(target.root, pointer, from.file), target, true, depth + 1);
      }
      return node;
    }
    const out: Record<string, Json> = {};
    for (const [key, child] of Object.entries(node)) out[key] = inline(child, from, external, depth);
    return out;
  };
  return inline(contract.root, contract, false, 0) as Record<string, Json>;
}
