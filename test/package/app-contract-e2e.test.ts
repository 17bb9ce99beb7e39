// A new app, end to end, on the packed package: init, add a type, generate, serve, push, receive (WebSocket and tail), docs, tsc,
// library, and the inbox in the app's own pages (plain HTML with the served bundle; React with typed renderers, in Chromium).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build as esbuild } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appPage, startAppOrigin, type AppOrigin } from '../browser/app-origin.js';
import { browserSkipReason, launchChromium, screenshot } from '../browser/support.js';
import { cliTimeoutMs, replaceOnce, repoRoot, runNode, type RunResult } from '../support/contract.js';
import { packedInstall, packedInstallTimeoutMs, type PackedInstall } from '../support/packed-install.js';
import { makeDeployment, spawnServe, waitUntil, type ServeProcess } from '../support/serve-process.js';
import { connect, type TestClient } from '../support/ws-client.js';

let project: PackedInstall;
/** The CLI of the installed package (what `npx notify` runs). */
let cli: string;
const deployment = makeDeployment();

function notify(args: readonly string[]): Promise<RunResult> {
  return runNode(cli, args, { cwd: project.dir });
}

/** The type this test adds to the starter catalog: one message, its two schemas and one line in the channel. */
function addBuildFinished(contract: string): string {
  let out = replaceOnce(
    contract,
    "      invoiceReady:\n        $ref: '#/components/messages/invoiceReady'\n",
    "      invoiceReady:\n        $ref: '#/components/messages/invoiceReady'\n      buildFinished:\n        $ref: '#/components/messages/buildFinished'\n",
  );
  out = replaceOnce(out, '\n  schemas:\n', [
    '    buildFinished:',
    '      name: build_finished',
    '      title: Build finished',
    '      summary: A CI build ended.',
    '      description: Sent to the author of the commit when its build ends.',
    '      x-notify-display:',
    '        en:',
    "          title: 'Build {buildNumber} finished'",
    "          body: 'It took {durationSec} s.'",
    "          url: '/builds/{buildNumber}'",
    '        de:',
    "          title: 'Build {buildNumber} ist fertig'",
    "          body: 'Dauer: {durationSec} s.'",
    '      payload:',
    "        $ref: '#/components/schemas/BuildFinishedNotification'",
    '      examples:',
    '        - name: green',
    '          summary: Build 812 passed',
    '          payload:',
    '            type: build_finished',
    "            id: '0000000000000003'",
    '            timestamp: 1733646000000',
    '            category: ci',
    '            data:',
    '              buildNumber: 812',
    '              passed: true',
    '              durationSec: 95',
    '',
    '  schemas:',
    '    BuildFinishedData:',
    '      type: object',
    '      additionalProperties: false',
    '      required: [buildNumber, passed, durationSec]',
    '      properties:',
    '        buildNumber: { type: integer, minimum: 1 }',
    '        passed: { type: boolean }',
    '        durationSec: { type: integer, minimum: 0 }',
    '    BuildFinishedNotification:',
    '      type: object',
    '      additionalProperties: false',
    '      required: [type, id, timestamp, data]',
    '      properties:',
    '        type: { type: string, const: build_finished }',
    "        id: { $ref: './node_modules/notify/protocol.yaml#/components/schemas/NotificationId' }",
    "        timestamp: { $ref: './node_modules/notify/protocol.yaml#/components/schemas/Timestamp' }",
    "        category: { $ref: './node_modules/notify/protocol.yaml#/components/schemas/Category' }",
    '        read: { type: boolean }',
    "        data: { $ref: '#/components/schemas/BuildFinishedData' }",
    '',
  ].join('\n'));
  return out;
}

const build = { buildNumber: 812, passed: true, durationSec: 95 };

beforeAll(async () => {
  project = await packedInstall();
  cli = path.join(project.dir, 'node_modules', 'notify', 'dist', 'cli', 'notify.js');
}, packedInstallTimeoutMs);

afterAll(async () => {
  await project?.remove();
});

describe('an app on its own contract, from the packed package', () => {
  it('notify init writes a starter contract on the installed protocol, and never overwrites it', async () => {
    expect(project.dir.startsWith(repoRoot)).toBe(false);
    const first = await notify(['init']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('npx notify serve --contract asyncapi.yaml');
    expect(existsSync(path.join(project.dir, 'generated', 'index.js'))).toBe(true);
    const starter = await readFile(path.join(project.dir, 'asyncapi.yaml'), 'utf8');
    expect(starter).toContain("$ref: './node_modules/notify/protocol.yaml#/channels/notify'");
    const second = await notify(['init']);
    expect(second.code).toBe(1);
    expect(await readFile(path.join(project.dir, 'asyncapi.yaml'), 'utf8')).toBe(starter);
  }, cliTimeoutMs);

  it('generates ESM JavaScript and declarations for the app, with a type of its own', async () => {
    const file = path.join(project.dir, 'asyncapi.yaml');
    await writeFile(file, addBuildFinished(await readFile(file, 'utf8')));
    const generated = await notify(['generate']);
    expect(generated.code, generated.stderr).toBe(0);
    for (const name of ['index.js', 'index.d.ts', 'models.d.ts', 'validators.js', 'display.js', 'display.d.ts']) expect(existsSync(path.join(project.dir, 'generated', name)), name).toBe(true);
    const check = await notify(['generate', '--check']);
    expect(check.code, check.stderr).toBe(0);
  }, cliTimeoutMs);

  describe('notify serve --contract', () => {
    let server: ServeProcess;
    let socket: TestClient;
    let tail: ChildProcess;
    const tailLines: string[] = [];
    /** The app's own origin (its pages), which the server lets load the elements' bundle and read the templates. */
    let app: AppOrigin;

    beforeAll(async () => {
      app = await startAppOrigin();
      server = await spawnServe(['--store', 'memory', '--contract', 'asyncapi.yaml', '--allowed-origins', app.url, ...deployment.secretFlags], {}, cliTimeoutMs, { cli, cwd: project.dir });
      socket = await connect(server.wsUrl, { token: await deployment.token('alice') });
      await socket.nextOfType('connection_established');
      tail = spawn(process.execPath, [cli, 'tail', '--contract', 'asyncapi.yaml', '--json', '--user', 'alice', '--server', server.url, '--jwt-secret', deployment.jwtSecret], {
        cwd: project.dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      tail.stderr!.resume();
      let partial = '';
      tail.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        tailLines.push(...lines);
      });
      await waitUntil(() => tailLines.some((line) => line.includes('"connection_established"')), 'tail to connect');
    }, cliTimeoutMs);

    afterAll(async () => {
      tail?.kill('SIGINT');
      await socket?.close();
      await server?.stop();
      await app?.close();
    });

    it('takes the new type (201), refuses it off-contract (422 with a pointer) and a built-in type the app lacks (422)', async () => {
      const pushed = await deployment.push(server.url, 'alice', 'build_finished', build);
      expect(pushed.status).toBe(201);
      const offContract = await deployment.push(server.url, 'alice', 'build_finished', { ...build, durationSec: 'long' });
      expect(offContract.status).toBe(422);
      expect(offContract.body).toMatchObject({ details: [{ pointer: '/data/durationSec', message: 'must be integer' }] });
      const builtIn = await deployment.push(server.url, 'alice', 'info', { title: 'Hi', message: 'Hello', priority: 'low' });
      expect(builtIn.status).toBe(422);
      expect(JSON.stringify(builtIn.body)).toContain('valid types: order_shipped, invoice_ready, build_finished');
    });

    it("serves the new type's display templates to pages without generated code", async () => {
      const response = await fetch(`${server.url}/api/v1/display-templates`);
      expect(response.status).toBe(200);
      const templates = (await response.json()) as Record<string, unknown>;
      expect(Object.keys(templates)).toEqual(['order_shipped', 'invoice_ready', 'build_finished']);
      expect(templates['build_finished']).toEqual({
        en: { title: 'Build {buildNumber} finished', body: 'It took {durationSec} s.', url: '/builds/{buildNumber}' },
        de: { title: 'Build {buildNumber} ist fertig', body: 'Dauer: {durationSec} s.', url: '/builds/{buildNumber}' },
      });
    });

    it('delivers it on a WebSocket and to notify tail --contract', async () => {
      const frame = await socket.nextOfType('build_finished');
      expect(frame.data).toEqual(build);
      await waitUntil(() => tailLines.some((line) => line.includes('"build_finished"')), 'tail to print build_finished');
      const printed = JSON.parse(tailLines.find((line) => line.includes('"build_finished"'))!) as { data: unknown };
      expect(printed.data).toEqual(build);
    });

    describe.skipIf(browserSkipReason() !== undefined)("the inbox in the app's pages (Chromium)", () => {
      let browser: Browser;
      const errors: string[] = [];

      beforeAll(async () => {
        browser = await launchChromium();
      });

      afterAll(async () => {
        await browser?.close();
        expect(errors).toEqual([]);
      });

      async function open(file: string): Promise<Page> {
        const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
        page.setDefaultTimeout(15_000);
        page.on('pageerror', (error) => errors.push(error.message));
        page.on('console', (message) => {
          if (message.type() === 'error') errors.push(message.text());
        });
        await page.goto(`${app.url}${file}`);
        return page;
      }

      it('plain HTML, no UI code of its own: the bundle from notify serve shows its own type from its template, and a click follows the url', async () => {
        const token = await deployment.token('alice');
        app.set(
          '/inbox.html',
          appPage({
            head: `<script type="module" src="${server.url}/assets/notify-elements.js"></script>`,
            body: `<notify-inbox server="${server.url}" token="${token}"></notify-inbox>`,
          }),
        );
        app.set('/builds/812', appPage({ body: '<h1>Build 812</h1>' }));
        const page = await open('/inbox.html');
        await page.locator('notify-inbox .badge[data-count="1"]').waitFor();
        await page.locator('notify-inbox .bell').click();
        const item = page.locator('notify-inbox li.item[data-type="build_finished"]');
        expect(await item.locator('[part~="item-title"]').textContent()).toBe('Unread: Build 812 finished');
        expect(await item.locator('[part~="item-body"]').textContent()).toBe('It took 95 s.');
        await screenshot(page, 'app-contract-inbox-html', false);
        await item.click();
        await page.waitForURL(`${app.url}/builds/812`);
        const listed = await fetch(`${server.url}/api/v1/users/alice/notifications`, { headers: { authorization: `Bearer ${deployment.pushToken}` } });
        const { notifications } = (await listed.json()) as { notifications: { type: string; read?: boolean }[] };
        expect(notifications.find((n) => n.type === 'build_finished')?.read).toBe(true);
        await page.close();
      }, cliTimeoutMs);

      it("React: typed renderers for the app's catalog (tsc fails while one type has none), rendered in the inbox", async () => {
        // The app brings React itself (notify's optional peer dependency).
        await mkdir(path.join(project.dir, 'node_modules', '@types'), { recursive: true });
        for (const name of ['react', 'react-dom', 'scheduler', '@types/react', '@types/react-dom']) {
          if (!existsSync(path.join(project.dir, 'node_modules', name))) await symlink(path.join(repoRoot, 'node_modules', name), path.join(project.dir, 'node_modules', name), 'dir');
        }
        const inboxApp = (renderers: string) => `import { createRoot } from 'react-dom/client';
import { Inbox, NotifyProvider, defineRenderers } from 'notify/react';
import type { Catalog } from './generated/index.js';

const renderers = defineRenderers<Catalog>()({
${renderers}
});
const config = JSON.parse(document.getElementById('config')!.textContent!) as { server: string; token: string };
createRoot(document.getElementById('root')!).render(
  <NotifyProvider server={config.server} token={config.token}>
    <Inbox renderers={renderers} />
  </NotifyProvider>,
);
`;
        const twoTypes = `  order_shipped: (n) => <span className="order">{n.data.orderId} with {n.data.carrier}</span>,
  invoice_ready: (n) => <span className="invoice">{n.data.invoiceNumber}</span>,`;
        const allTypes = `${twoTypes}\n  build_finished: (n) => <span className="build">Build #{n.data.buildNumber} {n.data.passed ? 'passed' : 'failed'} in {n.data.durationSec} s</span>,`;
        await writeFile(
          path.join(project.dir, 'tsconfig.json'),
          `${JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', jsx: 'react-jsx', lib: ['es2022', 'dom'], noEmit: true, skipLibCheck: true, types: [] }, files: ['inbox-app.tsx'] })}\n`,
        );
        const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
        await writeFile(path.join(project.dir, 'inbox-app.tsx'), inboxApp(twoTypes));
        const forgot = await runNode(tsc, ['-p', project.dir], { cwd: project.dir });
        expect(forgot.code).not.toBe(0);
        expect(forgot.stdout).toMatch(/inbox-app\.tsx\(\d+,\d+\): error TS\d+:[\s\S]*'"build_finished"' is missing/);
        await writeFile(path.join(project.dir, 'inbox-app.tsx'), inboxApp(allTypes));
        const typed = await runNode(tsc, ['-p', project.dir], { cwd: project.dir });
        expect(typed.code, typed.stdout).toBe(0);

        const bundle = await esbuild({
          entryPoints: [path.join(project.dir, 'inbox-app.tsx')],
          absWorkingDir: project.dir,
          bundle: true,
          write: false,
          platform: 'browser',
          format: 'esm',
          jsx: 'automatic',
          define: { 'process.env.NODE_ENV': '"production"' },
          logLevel: 'silent',
        });
        app.set('/react.js', bundle.outputFiles[0]!.text, 'text/javascript; charset=utf-8');
        const config = JSON.stringify({ server: server.url, token: await deployment.token('alice') });
        app.set('/react.html', appPage({ head: `<script id="config" type="application/json">${config}</script>\n<script type="module" src="/react.js"></script>`, body: '<div id="root"></div>' }));
        await deployment.push(server.url, 'alice', 'build_finished', { ...build, buildNumber: 813, passed: false });
        const page = await open('/react.html');
        await page.locator('notify-inbox .bell').click();
        await page.locator('notify-inbox .build', { hasText: 'Build #813 failed in 95 s' }).waitFor();
        await screenshot(page, 'app-contract-inbox-react', false);
        await page.close();
      }, cliTimeoutMs);
    });
  });

  it("renders the new type through its template: the app's display() and notify/client's renderDisplay agree", async () => {
    const output = await project.node(
      `import { display, displayTemplates } from './generated/display.js';
import { renderDisplay } from 'notify/client';
const n = { type: 'build_finished', data: ${JSON.stringify(build)} };
console.log(JSON.stringify([display(n), display(n, 'de-CH'), renderDisplay(displayTemplates, n, ['fr', 'de'])]));`,
    );
    expect(JSON.parse(output)).toEqual([
      { title: 'Build 812 finished', body: 'It took 95 s.', url: '/builds/812', lang: 'en' },
      { title: 'Build 812 ist fertig', body: 'Dauer: 95 s.', url: '/builds/812', lang: 'de' },
      { title: 'Build 812 ist fertig', body: 'Dauer: 95 s.', url: '/builds/812', lang: 'de' },
    ]);
  }, cliTimeoutMs);

  it('documents the new type with notify docs', async () => {
    const result = await notify(['docs', '--out', 'docs']);
    expect(result.code, result.stderr).toBe(0);
    const [markdown, html] = await Promise.all([readFile(path.join(project.dir, 'docs', 'README.md'), 'utf8'), readFile(path.join(project.dir, 'docs', 'index.html'), 'utf8')]);
    for (const text of [markdown, html]) {
      expect(text).toContain('build_finished');
      expect(text).toContain('durationSec');
      expect(text).toContain('Build {buildNumber} ist fertig');
    }
  }, cliTimeoutMs);

  it("type-checks a consumer of the typed client on the app's catalog, and fails it on a misspelt field", async () => {
    const consumer = (field: string): string => `import { createNotifyClient } from 'notify/client';
import type { Catalog } from './generated/index.js';
import { display } from './generated/display.js';

const client = createNotifyClient<Catalog>({ url: 'http://127.0.0.1:8080', getToken: () => 'token' });
client.on('build_finished', (n) => console.log(n.data.${field} + 1));
client.on('order_shipped', (n) => console.log(n.data.trackingUrl.toUpperCase(), display(n, navigator.languages).title.length, display(n).url?.length));
`;
    await writeFile(path.join(project.dir, 'tsconfig.json'), `${JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: true, types: [] }, files: ['consumer.ts'] })}\n`);
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    await writeFile(path.join(project.dir, 'consumer.ts'), consumer('durationSec'));
    const typed = await runNode(tsc, ['-p', project.dir], { cwd: project.dir });
    expect(typed.code, typed.stdout).toBe(0);
    await writeFile(path.join(project.dir, 'consumer.ts'), consumer('durationSecs'));
    const misspelt = await runNode(tsc, ['-p', project.dir], { cwd: project.dir });
    expect(misspelt.code).not.toBe(0);
    expect(misspelt.stdout).toMatch(/consumer\.ts\(6,\d+\): error TS\d+: Property 'durationSecs' does not exist on type 'BuildFinishedData'/);
  }, cliTimeoutMs);

  it("starts a server from code: import { startNotifyServer } from 'notify', on the app's contract", async () => {
    const output = await project.node(
      `import { makeConfig, startNotifyServer } from 'notify';
const server = await startNotifyServer(makeConfig({ port: 0, store: 'memory', contract: 'asyncapi.yaml', jwt: { secret: ${JSON.stringify(deployment.jwtSecret)} }, pushToken: 'library-token', logLevel: 'silent' }));
const push = (type, data) => fetch(server.url + '/api/v1/users/bob/notifications', { method: 'POST', headers: { authorization: 'Bearer library-token', 'content-type': 'application/json' }, body: JSON.stringify({ type, data }) }).then((r) => r.status);
console.log(await push('build_finished', ${JSON.stringify(build)}), await push('info', { title: 'Hi', message: 'Hello', priority: 'low' }));
await server.close();`,
      60_000,
    );
    expect(output.trim()).toBe('201 422');
  }, cliTimeoutMs);
});
