// GET /api/v1/openapi.json: the OpenAPI 3.1 document `notify generate` wrote beside the generated code.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HttpError } from '../errors.js';
import { packageRoot } from '../paths.js';
import type { Router } from './router.js';

export const openApiPath = '/api/v1/openapi.json';
/** The built-in contract's document, in the package's generated/. */
export const defaultOpenApiFile = path.join(packageRoot, 'generated', 'openapi.json');

/** Serves `file` as is (read once, on the first request); 503 naming the command to run when it is missing. */
export function addOpenApiRoute(router: Router, file: string = defaultOpenApiFile): void {
  let text: Promise<Buffer> | undefined;
  router.on('GET', openApiPath, async ({ response }) => {
    text ??= readFile(file);
    let body: Buffer;
    try {
      body = await text;
    } catch (error) {
      text = undefined;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new HttpError('not_ready', `No ${path.basename(file)} beside the generated code; run notify generate`);
      throw error;
    }
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-cache' }).end(body);
  });
}
