// `notify docs --out DIR`: both files list every message with its fields and examples, the endpoint, credentials and close codes.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContractOrThrow } from '../../src/codegen/load-contract.js';
import { buildDocsModel } from '../../src/docs/docs-model.js';
import { renderReferenceHtml } from '../../src/docs/html.js';
import { renderMarkdown } from '../../src/docs/markdown.js';
import { cliTimeoutMs, contractModel, contractPath, makeTempDir, removeTempDir, repoRoot, runNotify } from '../support/contract.js';

const contract = await contractModel();
let tmp: string;
let markdown: string;
let html: string;
let second: { markdown: Buffer; html: Buffer };

beforeAll(async () => {
  tmp = await makeTempDir();
  // Two CLI runs side by side: several seconds of CPU each.
  const runs = await Promise.all(['a', 'b'].map((name) => runNotify(['docs', '--out', path.join(tmp, name)])));
  for (const run of runs) expect(run.code, run.stderr).toBe(0);
  markdown = await readFile(path.join(tmp, 'a', 'README.md'), 'utf8');
  html = await readFile(path.join(tmp, 'a', 'index.html'), 'utf8');
  second = { markdown: await readFile(path.join(tmp, 'b', 'README.md')), html: await readFile(path.join(tmp, 'b', 'index.html')) };
}, cliTimeoutMs + 30_000);
afterAll(async () => {
  await removeTempDir(tmp);
});

/** The plain reference of the page as text: tags dropped, entities decoded. */
function referenceText(page: string): string {
  const start = page.indexOf('<main id="reference"');
  const end = page.indexOf('</main>', start);
  expect(start).toBeGreaterThan(0);
  return page
    .slice(start, end)
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** What a client needs to find in either document. */
function expectComplete(text: string): void {
  for (const m of contract.messages) {
    expect(text, m.wireName).toContain(m.wireName);
    expect(text, m.title).toContain(m.title);
    for (const example of m.examples) {
      expect(text, `${m.wireName} example`).toContain(typeof example.payload === 'string' ? example.payload : JSON.stringify(example.payload, null, 2));
    }
    const data = m.data?.schema['properties'] as Record<string, unknown> | undefined;
    for (const field of Object.keys(data ?? {})) expect(text, `${m.wireName} data.${field}`).toContain(`data.${field}`);
    const top = contract.schemas.get(m.payloadSchemaName)?.['properties'] as Record<string, unknown> | undefined;
    for (const field of Object.keys(top ?? {})) expect(text, `${m.wireName} ${field}`).toContain(field);
  }
  for (const url of ['wss://notify.example.com/api/v1/notifications', 'ws://localhost:8080/api/v1/notifications']) expect(text).toContain(url);
  for (const credential of ['cookie `auth_token`', 'query parameter `token`', 'query parameter `access_token`', 'Authorization: Bearer']) {
    expect(text).toContain(credential.replace(/`/g, ''));
  }
  for (const c of contract.closeCodes) {
    expect(text).toContain(String(c.code));
    expect(text).toContain(c.reason);
  }
  expect(text).toContain('since');
}

describe('docs/README.md', () => {
  it('names every message, field, example, endpoint, credential and close code', () => {
    expectComplete(markdown.replace(/`/g, ''));
  });

  it('is stamped as generated and lists fields as a table', () => {
    expect(markdown.split('\n')[0]).toMatch(/Generated from asyncapi\.yaml.*Do not edit/);
    expect(markdown).toContain('| `data.priority` | string (Priority) | yes | One of `low`, `medium`, `high`. |');
    expect(markdown).toContain('| `data.groupId` | string | yes | Format `uuid`. |');
  });
});

describe('docs/index.html', () => {
  it('has a plain reference, readable without JavaScript, as complete as the Markdown', () => {
    expectComplete(referenceText(html));
  });

  it('is one offline file: inlined AsyncAPI bundle, stylesheet and contract, no external resources', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    // Exactly the two inline scripts: the bundle holds no `</script` or `<!--`, so it cannot end its element early.
    expect(scripts).toHaveLength(2);
    for (const [, attributes] of scripts) expect(attributes).not.toMatch(/\bsrc=/i);
    const [bundle, boot] = [scripts[0]![2]!, scripts[1]![2]!];
    expect(bundle).toContain('AsyncApiStandalone');
    expect(bundle).not.toMatch(/<!--|<\/script/i);
    expect(boot).toContain('AsyncApiStandalone.render(');
    expect(boot).toContain(JSON.stringify('asyncapi: 3.0.0').slice(1, -1));
    const outsideScripts = html.replace(/<script\b[\s\S]*?<\/script>/gi, '');
    expect(outsideScripts).not.toMatch(/<script\b|<link\b|\bsrc=|url\(\s*['"]?https?:/i);
    expect(outsideScripts).toContain('.aui-root');
  });

  it('has unique element ids (the AsyncAPI view adds its own; ours are prefixed)', () => {
    const ids = [...referenceHtml().matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id === 'reference' || id!.startsWith('ref-'), id).toBe(true);
  });
});

describe('display templates in the docs', () => {
  const templated = contract.messages.filter((m) => m.kind === 'notification');

  it('the Markdown shows every type\'s templates, one row per locale', () => {
    expect(templated.every((m) => m.display)).toBe(true);
    for (const m of templated) {
      for (const [locale, t] of Object.entries(m.display!)) {
        const row = `| \`${locale}\` | \`${t.title}\` | ${t.body === undefined ? '' : `\`${t.body}\``} | ${t.url === undefined ? '' : `\`${t.url}\``} | ${t.icon === undefined ? '' : `\`${t.icon}\``} |`;
        expect(markdown, `${m.wireName} ${locale}`).toContain(row);
      }
    }
    expect(markdown).toContain('| `de` | `{inviterUsername} hat dich zu {groupName} eingeladen` | `Nimm die Einladung in {groupName} an oder lehne sie ab.` |  |  |');
  });

  it('the HTML reference shows them in a table per type, as escaped text', () => {
    const reference = referenceHtml();
    expect([...reference.matchAll(/<table class="display">/g)]).toHaveLength(templated.length);
    const text = referenceText(html);
    for (const m of templated) for (const t of Object.values(m.display!)) for (const value of [t.title, t.body, t.url, t.icon]) if (value) expect(text).toContain(value);
    expect(reference).toContain('<td><code>*</code></td><td><code>{title}</code></td><td><code>{message}</code></td>');
  });

  it('template text that looks like markup stays text in both documents; a type without templates says so', async () => {
    const document = await loadContractOrThrow(contractPath);
    const edited = { ...contract, messages: contract.messages.map((m) => (m.wireName === 'info' ? { ...m, display: { '*': { title: '<img src=x onerror=alert(1)>{title}', body: 'a | b `c`' } } } : m.wireName === 'warning' ? { ...m, display: undefined } : m)) };
    const model = buildDocsModel(document, edited);
    const page = renderReferenceHtml(model);
    expect(page).toContain('<code>&lt;img src=x onerror=alert(1)&gt;{title}</code>');
    expect(page).not.toContain('<img src=x');
    const md = renderMarkdown(model);
    expect(md).toContain('| `*` | `<img src=x onerror=alert(1)>{title}` | `` a \\| b `c` `` |');
    expect(md).toContain('No display template (`x-notify-display`): shown by its title.');
    expect(page).toContain('No display template (<code>x-notify-display</code>): shown by its title.');
  });
});

function referenceHtml(): string {
  return html.slice(html.indexOf('<main id="reference"'), html.indexOf('</main>'));
}

describe('notify docs', () => {
  it('is deterministic: two runs give the same bytes', () => {
    expect(second.markdown.equals(Buffer.from(markdown))).toBe(true);
    expect(second.html.equals(Buffer.from(html))).toBe(true);
  });

  it('writes openapi.json (the same document as generated/openapi.json) and links it from both files', async () => {
    const written = await readFile(path.join(tmp, 'a', 'openapi.json'), 'utf8');
    expect(written).toBe(await readFile(path.join(repoRoot, 'generated', 'openapi.json'), 'utf8'));
    expect(markdown).toContain('[`openapi.json`](openapi.json)');
    expect(referenceHtml()).toContain('<a href="openapi.json"><code>openapi.json</code></a>');
  });
});

// CI installs Debian's chromium; locally the browser check runs when one is present. Never skipped under CI=true.
const chromium = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
describe.skipIf(!existsSync(chromium) && process.env['CI'] !== 'true')('docs/index.html in a browser', () => {
  it('renders the AsyncAPI view offline with every message, and the reference without JavaScript', async () => {
    const { chromium: launcher } = await import('playwright-core');
    const browser = await launcher.launch({ executablePath: chromium, args: ['--no-sandbox'] });
    try {
      const url = pathToFileURL(path.join(tmp, 'a', 'index.html')).href;
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) problems.push(`network request: ${request.url()}`);
      });
      await page.goto(url);
      await page.waitForSelector('#asyncapi .aui-root', { timeout: 20_000 });
      const rendered = (await page.locator('#asyncapi').textContent()) ?? '';
      for (const m of contract.messages) expect(rendered, m.wireName).toContain(m.title);
      expect(problems).toEqual([]);

      const noScript = await browser.newContext({ javaScriptEnabled: false });
      const plain = await noScript.newPage();
      await plain.goto(url);
      const reference = await plain.locator('#reference').innerText();
      for (const m of contract.messages) expect(reference, m.wireName).toContain(m.wireName);
      expect(await plain.locator('#asyncapi .aui-root').count()).toBe(0);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
