// tsc on apps of notify/react (in-memory fixtures, the repository's compiler options): defineRenderers<Catalog>() insists on every
// type of the catalog and nothing else, each renderer is typed by its own type's data, and <Inbox> infers an app's catalog.
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/contract.js';

const fixtureDir = path.join(repoRoot, 'test', 'react', '__fixtures__');
const header = (names: string) => `import { ${names} } from '../../../src/react/index.js';
import type { Catalog } from '../../../generated/index.js';
`;
/** A renderer for every built-in type but `omit`, reading `field` of info's data. */
function builtInRenderers({ omit, field = 'title', extra = '' }: { omit?: string; field?: string; extra?: string }): string {
  const renderers: Record<string, string> = {
    invitation_received: '(n) => <b>{n.data.inviterUsername}</b>',
    invitation_accepted: '(n) => <b>{n.data.acceptedByUsername}</b>',
    invitation_denied: '(n) => <b>{n.data.deniedByUsername}</b>',
    info: `(n) => <b>{n.data.${field}}</b>`,
    warning: '(n) => <b>{String(n.data.actionRequired)}</b>',
    error: '(n) => <b>{n.data.errorCode + 1}</b>',
    success: '(n) => <b>{n.data.completionTime}</b>',
    product_expiry: '(n) => <b>{n.data.productName}</b>',
  };
  const entries = Object.entries(renderers).filter(([type]) => type !== omit).map(([type, body]) => `  ${type}: ${body},`);
  return `${header('defineRenderers, Inbox')}export const renderers = defineRenderers<Catalog>()({\n${entries.join('\n')}\n${extra}});\nexport const app = <Inbox renderers={renderers} />;\n`;
}

/** An app's own catalog (as its generated index.d.ts declares it), with one type. */
const appCatalog = `${header('defineRenderers, Inbox, Feed, type ReactRenderers')}
interface OrderShipped { type: 'order_shipped'; id: string; timestamp: number; category?: string; read?: boolean; data: { orderId: string; carrier: string } }
interface AppCatalog { notifications: { order_shipped: OrderShipped } }
export const renderers = defineRenderers<AppCatalog>()({ order_shipped: (n) => <b>{n.data.orderId} with {n.data.carrier}</b> });
// The catalog is inferred from the renderers: no type argument needed.
export const inbox = <Inbox renderers={renderers} theme="dark" />;
// A subset, typed by the catalog named once.
export const partial = <Feed<AppCatalog> renderers={{ order_shipped: (n) => n.data.carrier.toUpperCase() }} />;
export const subset: ReactRenderers<Catalog> = { info: (n) => n.data.priority };
`;

const fixtures: Record<string, string> = {
  'complete.tsx': builtInRenderers({}),
  'missing-type.tsx': builtInRenderers({ omit: 'product_expiry' }),
  'misspelt-field.tsx': builtInRenderers({ field: 'titel' }),
  'unknown-type.tsx': builtInRenderers({ extra: '  order_shipped: () => null,\n' }),
  'app-catalog.tsx': appCatalog,
  'wrong-catalog.tsx': `${appCatalog}export const mixed = <Inbox<Catalog> renderers={renderers} />;\n`,
};

let diagnostics: Record<string, string[]>;

beforeAll(() => {
  const configFile = ts.readConfigFile(path.join(repoRoot, 'tsconfig.json'), (file) => ts.sys.readFile(file));
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, repoRoot);
  const files = new Map(Object.entries(fixtures).map(([name, text]) => [path.join(fixtureDir, name), text]));
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (file) => files.has(file) || fileExists.call(host, file);
  host.readFile = (file) => files.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, onError, create) => {
    const text = files.get(file);
    return text === undefined ? getSourceFile.call(host, file, language, onError, create) : ts.createSourceFile(file, text, language, true, ts.ScriptKind.TSX);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options: { ...options, noEmit: true }, host });
  diagnostics = Object.fromEntries(
    [...files.keys()].map((file) => [
      path.basename(file),
      ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`),
    ]),
  );
}, 120_000);

describe('typed renderers (tsc)', () => {
  it('accepts a renderer for every type of the catalog', () => {
    expect(diagnostics['complete.tsx']).toEqual([]);
  });

  it('fails when a type of the catalog has no renderer (a type added to the contract and generated)', () => {
    expect(diagnostics['missing-type.tsx']).toEqual([expect.stringMatching(/^TS2345: [\s\S]*Property '"product_expiry"' is missing in type .* but required in type 'CompleteRenderers<Catalog>'/)]);
  });

  it('fails when a renderer reads a misspelt field of its type', () => {
    expect(diagnostics['misspelt-field.tsx']).toEqual([expect.stringMatching(/Property 'titel' does not exist on type 'InfoData'/)]);
  });

  it('fails on a type the catalog does not have', () => {
    expect(diagnostics['unknown-type.tsx']).toEqual([expect.stringMatching(/'order_shipped' does not exist in type 'CompleteRenderers/)]);
  });

  it("types an app's own catalog: <Inbox> infers it from defineRenderers, a subset is typed by the catalog named once", () => {
    expect(diagnostics['app-catalog.tsx']).toEqual([]);
  });

  it("refuses one catalog's renderers for another catalog's inbox", () => {
    expect(diagnostics['wrong-catalog.tsx']?.length).toBeGreaterThan(0);
    expect(diagnostics['wrong-catalog.tsx']?.join('\n')).toMatch(/order_shipped/);
  });
});
