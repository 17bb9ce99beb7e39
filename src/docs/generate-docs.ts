// Runs the docs generation: contract → README.md (Markdown), index.html (single offline page) and openapi.json.
import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { createRequire } from 'node:module';
import { loadCheckedContract } from '../codegen/load-app-contract.js';
import { bundleContract } from '../catalog/contract-files.js';
import { generateOpenApi } from '../codegen/openapi/index.js';
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

/**
 * Parses the contract (throwing with file:line diagnostics when it is invalid, or with the path when it redefines
 * the protocol) and renders both documents. The page's AsyncAPI view gets the contract with the protocol's parts
 * inlined: a browser cannot follow a `$ref` into node_modules.
 */
export async function generateDocs(contractFile: string): Promise<DocsFiles> {
  const { document, contract } = await loadCheckedContract(contractFile);
  const model = buildDocsModel(document, contract);
  const assets = await readStandaloneAssets();
  const contractSource = stringify(bundleContract(contractFile), { aliasDuplicateObjects: false, lineWidth: 0 });
  return new Map([
    ['README.md', renderMarkdown(model)],
    ['index.html', renderHtml(model, { ...assets, contractSource })],
    ['openapi.json', generateOpenApi(contract)],
  ]);
}

/** Writes the files under `outDir` (created if missing); returns the paths written. */
export { writeFiles as writeDocs } from '../codegen/write-files.js';
