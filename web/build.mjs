// Bundles the notification-center page (web/) into dist/web/ with esbuild (index.html, app.js, app.css) and copies sw.js. Run by `npm run build`.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(webDir, '..', 'dist', 'web');

await mkdir(outDir, { recursive: true });
await build({
  entryPoints: { app: path.join(webDir, 'app.ts') },
  outdir: outDir,
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
await build({
  entryPoints: { app: path.join(webDir, 'app.css') },
  outdir: outDir,
  bundle: true,
  minify: true,
  logLevel: 'warning',
});
await copyFile(path.join(webDir, 'index.html'), path.join(outDir, 'index.html'));
// notify/sw.js: plain JavaScript, shipped as written (an app may serve or import it as it is).
await copyFile(path.join(webDir, 'sw.js'), path.join(outDir, 'sw.js'));
