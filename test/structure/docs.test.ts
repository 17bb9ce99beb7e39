// The manual stays true: README.md and docs/ name files that exist, their links and anchors resolve, every page is
// reachable from the README, the map of the repository names every folder of src/, and nothing cites a design
// document that is not in the repository.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import GithubSlugger from 'github-slugger';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const readText = (file: string): string => readFileSync(path.join(root, file), 'utf8');
/** The manual: the front page and every page of docs/ (repository-relative paths). */
const docsPages = readdirSync(path.join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`);
const manual = ['README.md', ...docsPages];
/** Top-level entries of the repository a path in the manual can start with. */
const repoTops = ['src', 'cli', 'test', 'bench', 'scripts', 'generated', 'web', 'docs', '.ci', 'asyncapi.yaml', 'protocol.yaml', 'package.json'];
/** Paths the manual names as what a tool writes, not as files of the repository. */
const outputs = ['docs/client'];
/** The word a reference to the unshipped design document starts with, built from pieces so this file does not match. */
const designWord = ['DES', 'IGN'].join('');

/** The text without fenced code blocks (their `#` lines are no headings, their brackets no links). */
function withoutFences(text: string): string {
  return text.replace(/^```[^\n]*\n[\s\S]*?^```[ \t]*$/gm, '');
}

/** Repository paths a page names in `code` spans (from the repository root) and relative links (from the page). */
function referencedPaths(text: string, page = 'README.md'): string[] {
  const spans = [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!);
  const links = [...withoutFences(text).matchAll(/\]\(([^)#\s]+)/g)]
    .map((m) => m[1]!)
    .filter((link) => !/^[a-z]+:/i.test(link))
    .map((link) => path.posix.normalize(path.posix.join(path.posix.dirname(page), link)));
  return [...new Set([...spans, ...links])]
    .map((p) => p.replace(/^\.\//, '').replace(/[.,:;]$/, ''))
    .filter((p) => repoTops.some((top) => p === top || p.startsWith(`${top}/`)) && !/[*{}<>]/.test(p));
}

/** The anchors GitHub gives a page's headings. */
function anchorsOf(text: string): Set<string> {
  const slugger = new GithubSlugger();
  const headings = [...withoutFences(text).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)].map((m) => m[1]!);
  return new Set(headings.map((heading) => slugger.slug(heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\*/g, ''))));
}

/** Every relative link of `page` (under `base`) whose file or heading anchor is missing, as "page → link". */
function brokenLinks(base: string, page: string): string[] {
  const text = readFileSync(path.join(base, page), 'utf8');
  const links = [...withoutFences(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
  return links.flatMap((link) => {
    if (/^[a-z]+:/i.test(link)) return [];
    const [file = '', anchor] = link.split('#');
    const target = file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
    const full = path.join(base, target);
    if (!existsSync(full)) return [`${page} → ${link} (no such file)`];
    if (anchor === undefined || !target.endsWith('.md') || statSync(full).isDirectory()) return [];
    return anchorsOf(readFileSync(full, 'utf8')).has(anchor) ? [] : [`${page} → ${link} (no such heading)`];
  });
}

/** docs/ pages the front page does not link to. */
function unlinkedPages(readme: string, pages: readonly string[]): string[] {
  const linked = new Set(referencedPaths(readme, 'README.md'));
  return pages.filter((page) => !linked.has(page));
}

/** Lines of `files` (name → text) that cite the design document, as "file:line". */
function designReferences(files: ReadonlyMap<string, string>): string[] {
  const pattern = new RegExp(`\\b${designWord}\\b`);
  return [...files].flatMap(([file, text]) => text.split('\n').flatMap((line, i) => (pattern.test(line) ? [`${file}:${i + 1}`] : [])));
}

/** The "Where things live" section of a page. */
function whereThingsLive(text: string): string {
  const start = text.indexOf('## Where things live');
  if (start < 0) return '';
  const end = text.indexOf('\n## ', start + 5);
  return text.slice(start, end < 0 ? undefined : end);
}

/** Folders (and files) the map does not name in a code span. */
function missingFromMap(map: string, entries: readonly string[]): string[] {
  return entries.filter((entry) => !map.includes(`\`${entry}`));
}

/** Every folder under `dir`, repository-relative. */
function foldersUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => [`${dir}/${e.name}`, ...foldersUnder(`${dir}/${e.name}`)]);
}

describe('README.md and docs/', () => {
  it('name repository files that exist', () => {
    const named = manual.flatMap((page) => referencedPaths(readText(page), page));
    expect(named).toEqual(expect.arrayContaining(['src/session/', 'generated/close-codes.ts', 'test/support/', 'src/store/sqlite/schema.ts']));
    expect([...new Set(named.filter((p) => !outputs.includes(p) && !existsSync(path.join(root, p))))]).toEqual([]);
  });

  it('the check sees a missing file', () => {
    expect(referencedPaths('see `src/transport/context.ts` and [x](bench/nope.md)')).toEqual(['src/transport/context.ts', 'bench/nope.md']);
    expect(referencedPaths('[up](../src/nope/) and [out](https://example.com/src/x)', 'docs/page.md')).toEqual(['src/nope/']);
  });

  it('every relative link (bench/RESULTS.md too) resolves to a file, and an anchor to a heading of it', () => {
    expect(manual.length).toBeGreaterThan(8);
    expect([...manual, 'bench/RESULTS.md'].flatMap((page) => brokenLinks(root, page))).toEqual([]);
  });

  describe('the link check can fail', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'notify-docs-links-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, 'a.md'), '# Page A\n\n## The `notify serve`: flags\n\n```sh\n# not a heading\n[not](a-link.md)\n```\n');
    writeFileSync(
      path.join(dir, 'b.md'),
      '# B\n\n[ok](a.md#the-notify-serve-flags) [self](#b) [web](https://example.com/x.md) [gone](c.md) [bad anchor](a.md#not-a-heading) [fenced](a.md#not-a-heading-either)\n',
    );

    it('flags a missing file and a missing heading, and passes good links', () => {
      expect(brokenLinks(dir, 'b.md')).toEqual(['b.md → c.md (no such file)', 'b.md → a.md#not-a-heading (no such heading)', 'b.md → a.md#not-a-heading-either (no such heading)']);
      expect(brokenLinks(dir, 'a.md')).toEqual([]);
    });
  });

  it('README.md is a front page: at most 200 lines', () => {
    expect(readText('README.md').split('\n').length).toBeLessThanOrEqual(200);
  });

  it('every page of docs/ is linked from README.md', () => {
    expect(docsPages).toEqual(expect.arrayContaining(['docs/architecture.md', 'docs/protocol.md', 'docs/http-api.md', 'docs/cli.md', 'docs/operations.md', 'docs/app-contract.md', 'docs/decisions.md']));
    expect(unlinkedPages(readText('README.md'), docsPages)).toEqual([]);
    expect(unlinkedPages('[one](docs/one.md)', ['docs/one.md', 'docs/two.md'])).toEqual(['docs/two.md']);
  });

  it('has a "Where things live" line (docs/architecture.md) for every folder of src/ and of the repository', () => {
    const map = whereThingsLive(readText('docs/architecture.md'));
    const srcFolders = foldersUnder('src');
    expect(srcFolders.length).toBeGreaterThan(10);
    expect(srcFolders).toEqual(expect.arrayContaining(['src/store/memory', 'src/store/sqlite', 'src/store/postgres']));
    expect(missingFromMap(map, [...srcFolders, 'generated', 'cli', 'web', 'bench', 'scripts', 'docs', 'test'])).toEqual([]);
    expect(missingFromMap('## Where things live\n- `src/hub/`: …', ['src/hub', 'src/bus'])).toEqual(['src/bus']);
  });
});

describe('the repository stands alone', () => {
  it('no tracked file cites the design document that is not in the repository', () => {
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter((file) => file !== '' && !file.startsWith('node_modules/') && existsSync(path.join(root, file)));
    expect(tracked).toEqual(expect.arrayContaining(['README.md', 'src/server.ts', 'test/structure/docs.test.ts']));
    expect(designReferences(new Map(tracked.map((file) => [file, readText(file)])))).toEqual([]);
  });

  it('the check sees a reference', () => {
    const files = new Map([
      ['a.ts', `// see ${designWord} §9\nconst design = 1;`],
      ['b.md', `Choices made where ${designWord}.md is silent`],
      ['c.md', 'design notes in lower case are fine'],
    ]);
    expect(designReferences(files)).toEqual(['a.ts:1', 'b.md:1']);
  });
});
