// Reads a JSON request body with a size cap: 413 past it, 400 when it is not JSON.
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../errors.js';

export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.resume();
    throw new HttpError('payload_too_large', `Body is ${declared} bytes; the limit is ${maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      request.resume();
      throw new HttpError('payload_too_large', `Body is larger than the limit of ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpError('bad_json', 'Body is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError('bad_json', `Body is not valid JSON: ${(error as Error).message}`);
  }
}
