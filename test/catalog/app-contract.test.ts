// An app's own contract with the repo's CLI: init, generate (ESM + .d.ts, hash), refusals (stale, missing, protocol redefined), serve on it.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckedContract } from '../../src/codegen/load-app-contract.js';
import { cliTimeoutMs, makeTempDir, removeTempDir, replaceOnce, repoRoot, runNotify } from '../support/contract.js';
import { makeDeployment, spawnServe, type ServeProcess } from '../support/serve-process.js';

let dir: string;
let contract: string;
let starter: string;

/** `notify serve` on the app's contract, expected to refuse to start (it exits; nothing listens). */
function serveRefusing(contractFile: string): ReturnType<typeof runNotify> {
  return runNotify(['serve', '--port', '0', '--store', 'memory', '--contract', contractFile, '--jwt-secret', 'x'.repeat(32), '--push-token', 'push-token']);
}

beforeAll(async () => {
  dir = await makeTempDir('notify-app-');
  contract = path.join(dir, 'asyncapi.yaml');
  // notify installed in the app (the packed-install suite does it with the real tarball).
  await mkdir(path.join(dir, 'node_modules'));
  await symlink(repoRoot, path.join(dir, 'node_modules', 'notify'), 'dir');
});

afterAll(async () => {
  await removeTempDir(dir);
});

describe('notify init', () => {
  it('writes a starter catalog that references the protocol and prints the next commands', async () => {
    const result = await runNotify(['init', dir]);
    expect(result.code, result.stderr).toBe(0);
    starter = await readFile(contract, 'utf8');
    expect(starter).toContain("$ref: './node_modules/notify/protocol.yaml#/operations/sendControl'");
    expect(starter).toContain('name: order_shipped');
    expect(starter).toContain('examples:');
    // Every starter type says how it is shown.
    expect(starter.match(/^ {6}x-notify-display:$/gm)).toHaveLength(2);
    expect(result.stdout).toContain(`notify serve --contract`);
    expect(result.stdout).toContain(`notify generate --contract`);
    // Generated at once, so serve works right away.
    expect(existsSync(path.join(dir, 'generated', 'index.js'))).toBe(true);
  });

  it('leaves an existing file untouched and exits non-zero', async () => {
    const result = await runNotify(['init', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('already exists');
    expect(await readFile(contract, 'utf8')).toBe(starter);
  });
});

describe('a missing or stale catalog', () => {
  it('refuses to start with the generate command when nothing was generated', async () => {
    await rm(path.join(dir, 'generated'), { recursive: true });
    const result = await serveRefusing(contract);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is missing');
    expect(result.stderr).toMatch(/Run: npx notify generate --contract \S*asyncapi\.yaml/);
  }, cliTimeoutMs);

  it('generates ESM JavaScript and declarations beside the contract, stamped with its hash; --check agrees', async () => {
    const result = await runNotify(['generate', '--contract', contract]);
    expect(result.code, result.stderr).toBe(0);
    const files = (await readdir(path.join(dir, 'generated'))).sort();
    expect(files).toEqual(['display.d.ts', 'display.js', 'index.d.ts', 'index.js', 'models.d.ts', 'openapi.json', 'package.json', 'validators.d.ts', 'validators.js']);
    const index = await readFile(path.join(dir, 'generated', 'index.js'), 'utf8');
    expect(index).toMatch(/export const contractHash = "sha256:[0-9a-f]{64}"/);
    expect(index).not.toMatch(/: Validator<|as unknown as/); // JavaScript, not TypeScript
    // The starter declares the categories its users may turn off (info.x-notify-categories).
    expect(index).toContain('export const notificationCategories = ["billing","general","orders"]');
    const declarations = await readFile(path.join(dir, 'generated', 'index.d.ts'), 'utf8');
    expect(declarations).toContain('export interface Catalog');
    expect(declarations).toContain('"order_shipped": WithCatalogCategory<M.OrderShippedNotification>;');
    const check = await runNotify(['generate', '--contract', contract, '--check']);
    expect(check.code, check.stderr).toBe(0);
  }, cliTimeoutMs);

  it("renders the app's types with the generated display(), in its locales, importing only notify/client", async () => {
    const displayFile = path.join(dir, 'generated', 'display.js');
    // Browser-safe: nothing but the renderer of notify/client (index.js loads the validators, which need Node).
    expect([...(await readFile(displayFile, 'utf8')).matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1])).toEqual(['notify/client']);
    // The app's own module, typed by hand here (its display.d.ts is checked by tsc in the packed-install suite).
    const generated = (await import(pathToFileURL(displayFile).href)) as { displayTemplates: unknown; display(n: { type: string; data: unknown }, locale?: string): unknown };
    const shipped = { type: 'order_shipped', data: { orderId: 'A-1042', carrier: 'DHL', trackingUrl: 'https://tracking.example.com/A-1042' } };
    expect(generated.display(shipped, 'de')).toEqual({ title: 'Order A-1042 shipped', body: 'On its way with DHL.', url: 'https://tracking.example.com/A-1042' });
    const invoice = { type: 'invoice_ready', data: { invoiceNumber: 'INV 2024/11', amountCents: 4900, currency: 'EUR' } };
    expect(generated.display(invoice, 'de-AT')).toEqual({ title: 'Rechnung INV 2024/11 ist bereit', body: 'Betrag: 4900 Cent (EUR).', url: '/invoices/INV%202024%2F11', lang: 'de' });
    expect(generated.display(invoice, 'fr')).toEqual({ title: 'Invoice INV 2024/11 is ready', body: 'Total: 4900 cents (EUR).', url: '/invoices/INV%202024%2F11', lang: 'en' });
    const index = (await import(pathToFileURL(path.join(dir, 'generated', 'index.js')).href)) as { displayTemplates: unknown; display: unknown };
    expect(index.displayTemplates).toBe(generated.displayTemplates);
    expect(index.display).toBe(generated.display);
  }, cliTimeoutMs);

  it('refuses to start, naming the command, once the contract changed after generation', async () => {
    await writeFile(contract, replaceOnce(starter, 'title: My app notifications', 'title: My shop notifications'));
    const result = await serveRefusing(contract);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is stale');
    expect(result.stderr).toMatch(/Run: npx notify generate --contract \S*asyncapi\.yaml/);
    const check = await runNotify(['generate', '--contract', contract, '--check']);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(path.join('generated', 'index.js'));
    await writeFile(contract, starter);
  }, cliTimeoutMs);
});

describe('a contract that redefines the protocol', () => {
  /** The refusal as generate and docs meet it (in process: one parser load for every case). */
  async function refusal(name: string, edit: (text: string) => string): Promise<{ file: string; message: string }> {
    const file = path.join(dir, `${name}.yaml`);
    await writeFile(file, edit(starter));
    const error = await loadCheckedContract(file).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error, `${name} was accepted`).toBeInstanceOf(Error);
    return { file, message: error!.message };
  }

  it('is refused by generate and validate, with the path of a message that takes a protocol message key', async () => {
    const { file, message } = await refusal('pong-key', (text) =>
      replaceOnce(text, '  messages:\n    orderShipped:\n', "  messages:\n    pong:\n      name: pong\n      payload:\n        $ref: '#/components/schemas/OrderShippedNotification'\n    orderShipped:\n"),
    );
    const expected = /components\.messages\.pong: redefines the protocol message "pong"/;
    expect(message).toMatch(expected);
    const [generate, validate] = await Promise.all([
      runNotify(['generate', '--contract', file, '--out', path.join(dir, 'out-pong-key')]),
      runNotify(['validate', file]),
    ]);
    expect(generate.code).toBe(1);
    expect(generate.stderr).toContain(`${file}: `);
    expect(generate.stderr).toMatch(expected);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(expected);
  }, cliTimeoutMs);

  it('is refused with the path of a message that claims a protocol wire name', async () => {
    const { message } = await refusal('wire-name', (text) => replaceOnce(text, 'name: invoice_ready', 'name: connection_established'));
    expect(message).toMatch(/components\.messages\.invoiceReady: defines a message named "connection_established", which is a protocol message/);
  }, cliTimeoutMs);

  it('is refused with the path of a schema that redefines a protocol schema', async () => {
    const { message } = await refusal('schema', (text) => replaceOnce(text, '  schemas:\n', '  schemas:\n    ConnectionEstablishedMessage:\n      type: object\n      additionalProperties: false\n      properties: {}\n'));
    expect(message).toMatch(/components\.schemas\.ConnectionEstablishedMessage: redefines the protocol schema/);
  }, cliTimeoutMs);

  it('is refused with the path of a protocol operation defined in the contract itself', async () => {
    const { message } = await refusal('operation', (text) =>
      text.replace(/ {2}receiveActions:\n {4}\$ref: '[^']*'\n/, "  receiveActions:\n    action: receive\n    channel:\n      $ref: '#/channels/notifications'\n"),
    );
    expect(message).toMatch(/operations\.receiveActions: redefines the protocol operation "receiveActions"/);
  }, cliTimeoutMs);

  it("is refused with the path of a notification that departs from the protocol's envelope", async () => {
    const { message } = await refusal('envelope', (text) => text.replace("        id: { $ref: './node_modules/notify/protocol.yaml#/components/schemas/NotificationId' }\n", '        id: { type: string }\n'));
    expect(message).toMatch(/components\.schemas\.OrderShippedNotification\.properties\.id: differs from the envelope field "id" of notify's protocol/);
  }, cliTimeoutMs);

  it('is refused when it carries an altered copy of the protocol', async () => {
    const protocol = await readFile(path.join(repoRoot, 'protocol.yaml'), 'utf8');
    await writeFile(path.join(dir, 'altered-protocol.yaml'), replaceOnce(protocol, 'limit: { type: integer, minimum: 1, maximum: 100 }', 'limit: { type: integer, minimum: 1, maximum: 1000 }'));
    const { message } = await refusal('altered', (text) => text.replace(/'[^']*protocol\.yaml#/g, "'./altered-protocol.yaml#"));
    expect(message).toMatch(/\(message loadMore\): the protocol message "load_more" differs from the protocol of the installed notify/);
  }, cliTimeoutMs);
});

describe('notify serve --contract', () => {
  let server: ServeProcess;
  const deployment = makeDeployment();

  beforeAll(async () => {
    server = await spawnServe(['--store', 'memory', '--contract', contract, ...deployment.secretFlags]);
  }, cliTimeoutMs);

  afterAll(async () => {
    await server?.stop();
  });

  it("accepts the app's types and answers 422 naming them for any other", async () => {
    const pushed = await deployment.push(server.url, 'alice', 'order_shipped', { orderId: 'A-1', carrier: 'DHL', trackingUrl: 'https://t.example.com/A-1' });
    expect(pushed.status).toBe(201);
    const builtIn = await deployment.push(server.url, 'alice', 'info', { title: 'Hi', message: 'Hello', priority: 'low' });
    expect(builtIn.status).toBe(422);
    expect(JSON.stringify(builtIn.body)).toContain('valid types: order_shipped, invoice_ready');
    const offContract = await deployment.push(server.url, 'alice', 'order_shipped', { orderId: 'A-1', carrier: 'DHL', trackingUrl: 'not a url' });
    expect(offContract.status).toBe(422);
    expect((offContract.body as unknown as { details: unknown[] }).details).toContainEqual({ pointer: '/data/trackingUrl', message: 'must match format "uri"' });
  });

  it("serves the app's display templates, not the built-in ones", async () => {
    const response = await fetch(`${server.url}/api/v1/display-templates`);
    expect(response.status).toBe(200);
    const templates = (await response.json()) as Record<string, Record<string, { title: string }>>;
    expect(Object.keys(templates)).toEqual(['order_shipped', 'invoice_ready']);
    expect(templates['order_shipped']).toEqual({ '*': { title: 'Order {orderId} shipped', body: 'On its way with {carrier}.', url: '{trackingUrl}' } });
    expect(Object.keys(templates['invoice_ready']!)).toEqual(['en', 'de']);
    expect(response.headers.get('etag')).toMatch(/^"sha256:[0-9a-f]{64}"$/);
  });
});
