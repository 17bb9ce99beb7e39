// Runs the docs generation: contract → README.md (Markdown), index.html (single offline page) and openapi.json.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadContract, formatDiagnostic } from '../codegen/load-contract.js';
import { readContractModel } from '../codegen/contract-model.js';
import { generateOpenApi } from '../codegen/generate-openapi.js';
import { buildDocsModel } from './docs-model.js';
import { renderMarkdown } from './markdown.js';
import { renderHtml, type HtmlAssets } from './html.js';

/** File name (relative to the output directory) → contents. Same contract, same bytes. */
export type DocsFiles = Map<string, string>;

const require = createRequire(import.meta.url);

/** Reads @asyncapi/react-component's standalone bundle and stylesheet from the installed package. */
async function readStandaloneAssets(): Promise<Pick<HtmlAssets, 'standaloneBundle' | 'standaloneCss'>> {
  const bundlePath = require.resolve('@asyncapi/react-component/browser/standalone/index.js');
  const cssPath = require.resolve('@asyncapi/react-component/styles/default.min.css');
  const [standaloneBundle, standaloneCss] = await Promise.all([readFile(bundlePath, 'utf8'), readFile(cssPath, 'utf8')]);
  return { standaloneBundle, standaloneCss };
}

/** Parses the contract (throwing with file:line diagnostics when it is invalid) and renders both documents. */
export async function generateDocs(contractFile: string): Promise<DocsFiles> {
  const { document, diagnostics, source } = await loadContract(contractFile);
  if (!document) {
    const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(contractFile, d));
    throw new Error(`${contractFile} is not a valid AsyncAPI document:\n${errors.join('\n')}`);
  }
  const contract = readContractModel(document);
  const model = buildDocsModel(document, contract);
  const assets = await readStandaloneAssets();
  return new Map([
    ['README.md', renderMarkdown(model)],
    ['index.html', renderHtml(model, { ...assets, contractSource: source })],
    ['openapi.json', generateOpenApi(contract)],
  ]);
}

/** Writes the files under `outDir` (created if missing); returns the paths written. */
export { writeFiles as writeDocs } from '../codegen/write-files.js';
