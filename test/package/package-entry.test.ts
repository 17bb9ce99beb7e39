// The packed package imported by name from a project that installed it: `import('notify')` and `import('notify/client')`.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/contract.js';
import { packedInstall, packedInstallTimeoutMs, type PackedInstall } from '../support/packed-install.js';

let project: PackedInstall;

beforeAll(async () => {
  project = await packedInstall();
}, packedInstallTimeoutMs);

afterAll(async () => {
  await project?.remove();
});

describe("the package's entry points", () => {
  it("node -e \"import('notify')\" prints the exports, resolved inside the installed package", async () => {
    const out = await project.node(`
      const m = await import('notify');
      console.log(JSON.stringify({ keys: Object.keys(m).sort(), resolved: import.meta.resolve('notify') }));
    `);
    const { keys, resolved } = JSON.parse(out) as { keys: string[]; resolved: string };
    expect(resolved).toBe(`file://${project.dir}/node_modules/notify/dist/src/index.js`);
    expect(keys).toEqual(
      expect.arrayContaining(['startNotifyServer', 'makeConfig', 'defaultConfig', 'openStore', 'openBus', 'NotifyError', 'errorRegistry', 'closeCodes', 'contractCloseCodes', 'notificationTypes']),
    );
  });

  it('starts a server from the typed config by package name, answers over HTTP and closes', async () => {
    const out = await project.node(`
      import { startNotifyServer, makeConfig, closeCodes } from 'notify';
      const server = await startNotifyServer(makeConfig({ port: 0, store: 'memory', logLevel: 'silent', jwt: { secret: 'x'.repeat(32) } }));
      const info = await (await fetch(server.url + '/api/status/info')).json();
      await server.close();
      console.log(JSON.stringify({ url: server.url, info, tooMany: closeCodes.tooManyConnections }));
    `);
    const result = JSON.parse(out) as { url: string; info: { name: string; version: string }; tooMany: unknown };
    expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(result.info.name).toBe('notify');
    expect(result.tooMany).toEqual({ code: 4029, reason: 'Too many connections' });
  });

  it("import('notify/client') gives the client library, whose close advice is the contract's", async () => {
    const out = await project.node(`
      const client = await import('notify/client');
      console.log(JSON.stringify({ hasClient: typeof client.NotifyClient, advice: [1008, 4001, 1013].map(client.closeAdvice) }));
    `);
    expect(JSON.parse(out)).toEqual({ hasClient: 'function', advice: ['stop', 'reauthenticate', 'retry'] });
  });

  it('exports notify/elements (loads without a DOM: server-side imports), notify/react and the browser bundle, each with types', async () => {
    const out = await project.node(`
      import { existsSync } from 'node:fs';
      import { fileURLToPath } from 'node:url';
      const elements = await import('notify/elements');
      const at = (specifier) => fileURLToPath(import.meta.resolve(specifier)).replace(process.cwd() + '/', '');
      const files = ['notify/elements', 'notify/react', 'notify/elements/bundle'].map(at);
      console.log(JSON.stringify({
        files,
        types: ['dist/src/elements/index.d.ts', 'dist/src/react/index.d.ts'].map((p) => existsSync('node_modules/notify/' + p)),
        exported: ['NotifyInbox', 'NotifyFeed', 'NotifyPreferences', 'InboxStore', 'englishMessages'].map((name) => typeof elements[name]),
      }));
    `);
    expect(JSON.parse(out)).toEqual({
      files: ['node_modules/notify/dist/src/elements/index.js', 'node_modules/notify/dist/src/react/index.js', 'node_modules/notify/dist/web/notify-elements.js'],
      types: [true, true],
      exported: ['function', 'function', 'function', 'function', 'object'],
    });
  });

  it('ships the built code and the contract, not the sources or the tests', async () => {
    const out = await project.node(`
      import { existsSync } from 'node:fs';
      const at = (p) => existsSync('node_modules/notify/' + p);
      console.log(JSON.stringify(['dist/src/index.d.ts', 'dist/cli/notify.js', 'dist/generated/close-codes.js', 'asyncapi.yaml', 'src/index.ts', 'test', 'dist/test'].map(at)));
    `);
    expect(JSON.parse(out)).toEqual([true, true, true, true, false, false, false]);
  });

  it('gives a TypeScript consumer the typed config and the contract types (a wrong type fails to compile)', async () => {
    await writeFile(
      path.join(project.dir, 'good.ts'),
      `import { startNotifyServer, makeConfig, type NotifyConfig, type Notification, type NotifyServer } from 'notify';
import type { CloseAdvice } from 'notify/client';
const config: NotifyConfig = makeConfig({ port: 0, store: 'memory', pingIntervalMs: 1000 });
export const advice: CloseAdvice = 'reauthenticate';
export const type: Notification['type'] = 'info';
export const start = (): Promise<NotifyServer> => startNotifyServer(config);
`,
    );
    await writeFile(path.join(project.dir, 'bad.ts'), `import { makeConfig } from 'notify';\nexport const config = makeConfig({ pingIntervalMs: '1s' });\n`);
    const tsconfig = { compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['good.ts', 'bad.ts'] };
    await writeFile(path.join(project.dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', project.dir], { cwd: project.dir }).then(
      () => ({ stdout: '' }),
      (error: { stdout: string }) => ({ stdout: error.stdout }),
    );
    const errors = result.stdout.split('\n').filter((line) => /error TS/.test(line));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^bad\.ts\(2,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
  }, 60_000);
});
