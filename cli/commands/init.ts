// `notify init [DIR]`: a starter contract for an app (its own catalog on the installed notify's protocol).
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { starterContract } from '../../src/contract/starter-contract.js';
import { packageRoot } from '../../src/paths.js';

/**
 * The `$ref` path from `dir` to the protocol of the installed notify, `./`-prefixed, with forward slashes: through
 * the nearest `node_modules/notify` (so it names the package, not where it happens to be stored), else this copy.
 */
function protocolRefFrom(dir: string): string {
  let target = path.join(packageRoot, 'protocol.yaml');
  for (let at = dir; ; at = path.dirname(at)) {
    const installed = path.join(at, 'node_modules', 'notify', 'protocol.yaml');
    if (existsSync(installed)) {
      target = installed;
      break;
    }
    if (path.dirname(at) === at) break;
  }
  const relative = path.relative(dir, target).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

export function makeInitCommand(): Command {
  return new Command('init')
    .description("Write a starter asyncapi.yaml for an app (two example notification types on notify's protocol) and generate its output")
    .argument('[dir]', 'where to write asyncapi.yaml', '.')
    .addHelpText('after', '\nExamples:\n  $ npm install notify && npx notify init\n  $ npx notify init services/notifications')
    .action(async (dir: string) => {
      const target = path.resolve(dir, 'asyncapi.yaml');
      const shown = path.relative(process.cwd(), target) || target;
      if (existsSync(target)) {
        process.stderr.write(`notify init: ${shown} already exists; left untouched\n`);
        process.exitCode = 1;
        return;
      }
      const protocolRef = protocolRefFrom(path.dirname(target));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, starterContract(protocolRef), { flag: 'wx' });
      const contract = path.relative(process.cwd(), target) || 'asyncapi.yaml';
      const lines = [`wrote ${shown} (types order_shipped and invoice_ready; protocol from ${protocolRef})`];
      // Generated at once, so `serve --contract` works right away; after an edit, `notify generate` again.
      const { defaultOutDir, generateFiles, writeGeneratedFiles } = await import('../../src/codegen/generate.js');
      const outDir = defaultOutDir(target);
      const written = await writeGeneratedFiles(await generateFiles(target, 'esm'), outDir);
      lines.push(`wrote ${written.map((f) => path.relative(process.cwd(), f) || f).join(', ')}`);
      if (!protocolRef.includes('node_modules/')) {
        lines.push(`note: this notify is not installed in the project, so the contract points at ${protocolRef}; run \`npm install notify\` and init again for a path that survives upgrades`);
      }
      lines.push(
        '',
        'Next:',
        `  npx notify serve --contract ${contract}             # the server, on your catalog`,
        `  npx notify push --contract ${contract} --user alice --type order_shipped \\`,
        `    --data '{"orderId":"A-1","carrier":"DHL","trackingUrl":"https://tracking.example.com/A-1"}'`,
        `  npx notify tail --contract ${contract} --user alice   # watch alice's stream`,
        '',
        `Add a type: a message, its schemas and one channel line in ${contract}, then: npx notify generate --contract ${contract}`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
