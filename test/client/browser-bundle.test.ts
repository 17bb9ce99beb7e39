// The client bundles for browsers with nothing from Node and, of generated/, only the contract's close codes (plain data).
import { build } from 'esbuild';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('browser bundle of src/client', () => {
  it('builds for platform=browser with no Node built-ins, no ws and no validators', async () => {
    const result = await build({
      entryPoints: [path.resolve('src/client/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      minify: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((file) => !file.startsWith('src/client/'))).toEqual(['generated/close-codes.ts']);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(/from\s*["'](node:|ws["'])/);
    expect(code.length).toBeLessThan(20_000);
  });
});
