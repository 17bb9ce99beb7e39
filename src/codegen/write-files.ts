// Writes a set of generated files (name → text) under a directory; shared by `generate` and `docs`.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes each file under `outDir` (created if missing); returns the paths written. */
export async function writeFiles(files: ReadonlyMap<string, string>, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of files) {
    const target = path.join(outDir, name);
    await writeFile(target, text);
    written.push(target);
  }
  return written;
}
