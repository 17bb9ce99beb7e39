// README.md names only files that are in the repository (outputs the tools write are listed as such).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
/** Top-level entries of the repository a README path can start with. */
const repoTops = ['src', 'cli', 'test', 'bench', 'scripts', 'generated', 'web', 'docs', '.ci', 'asyncapi.yaml', 'protocol.yaml', 'package.json'];
/** Paths the README names as what a tool writes, not as files of the repository. */
const outputs = ['docs/client'];

/** Repository paths the README names in `code` spans and relative links. */
function referencedPaths(text: string): string[] {
  const spans = [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!);
  const links = [...text.matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1]!);
  return [...new Set([...spans, ...links])]
    .map((p) => p.replace(/^\.\//, '').replace(/[.,:;]$/, ''))
    .filter((p) => repoTops.some((top) => p === top || p.startsWith(`${top}/`)) && !/[*{}<>]/.test(p));
}

describe('README.md', () => {
  it('names repository files that exist', () => {
    const named = referencedPaths(readme);
    expect(named).toEqual(expect.arrayContaining(['src/session/', 'generated/close-codes.ts', 'test/support/']));
    expect(named.filter((p) => !outputs.includes(p) && !existsSync(path.join(root, p)))).toEqual([]);
  });

  it('the check sees a missing file', () => {
    expect(referencedPaths('see `src/transport/context.ts` and [x](bench/nope.md)')).toEqual(['src/transport/context.ts', 'bench/nope.md']);
  });

  it('has a "Where things live" line for every folder of src/ and of the repository', () => {
    const map = readme.slice(readme.indexOf('## Where things live'), readme.indexOf('\n## ', readme.indexOf('## Where things live') + 5));
    const srcFolders = readdirSync(path.join(root, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `src/${e.name}`);
    expect(srcFolders.length).toBeGreaterThan(10);
    for (const folder of [...srcFolders, 'generated', 'cli', 'web', 'bench', 'scripts', 'test']) expect(map, folder).toContain(`\`${folder}`);
  });
});
