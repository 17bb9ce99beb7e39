// Bundles the elements for browsers (dist/web/notify-elements.js, the client included) and the page at `/` on top of them
// (index.html, app.js, app.css) with esbuild, and copies sw.js. Run by `npm run build`.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const rootDir = path.join(webDir, '..');
const outDir = path.join(rootDir, 'dist', 'web');
const elementsEntry = path.join(rootDir, 'src', 'elements', 'index.ts');

/** The page loads the elements from the served bundle, as an app's page would, instead of bundling a second copy. */
const elementsFromBundle = {
  name: 'elements-from-bundle',
  setup(builder) {
    builder.onResolve({ filter: /elements\/index\.js$/ }, (args) =>
      path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === elementsEntry ? { path: './notify-elements.js', external: true } : undefined,
    );
  },
};

const browser = { bundle: true, platform: 'browser', format: 'esm', target: ['es2022'], minify: true, sourcemap: true, legalComments: 'none', logLevel: 'warning' };

await mkdir(outDir, { recursive: true });
await build({ ...browser, entryPoints: { 'notify-elements': elementsEntry }, outdir: outDir });
await build({ ...browser, entryPoints: { app: path.join(webDir, 'app.ts') }, outdir: outDir, plugins: [elementsFromBundle] });
await build({ entryPoints: { app: path.join(webDir, 'app.css') }, outdir: outDir, bundle: true, minify: true, logLevel: 'warning' });
await copyFile(path.join(webDir, 'index.html'), path.join(outDir, 'index.html'));
// notify/sw.js: plain JavaScript, shipped as written (an app may serve or import it as it is).
await copyFile(path.join(webDir, 'sw.js'), path.join(outDir, 'sw.js'));
