// An independent client in another language (Python, stdlib only) exercises the protocol as docs/protocol.md describes it; every frame it saw must be valid under asyncapi.yaml.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOnContract } from '../support/on-contract.js';
import { startServer, type TestServer } from '../support/server.js';

const run = promisify(execFile);
const python = process.env['PYTHON'] ?? 'python3';
const pythonAvailable = await run(python, ['--version']).then(() => true, () => false);
if (!pythonAvailable && process.env['CI'] === 'true') throw new Error(`${python} is required for the interop test under CI`);
if (!pythonAvailable) console.warn(`skipping the Python interop test: ${python} not found`);

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

describe.skipIf(!pythonAvailable)('independent Python client', () => {
  it('exercises every client action, resume and the close codes; every frame is on the contract', async () => {
    const token = await server.mintUserToken('py');
    const { stdout } = await run(python, [path.resolve('test/interop/python_client.py'), '127.0.0.1', String(server.server.port), token, server.pushToken], { timeout: 20_000 });
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { frame?: { type: string }; close?: [number, string]; done?: boolean });
    expect(lines.at(-1)).toEqual({ done: true });
    const frames = lines.flatMap((l) => (l.frame ? [l.frame] : []));
    expect(new Set(frames.map((f) => f.type))).toEqual(
      new Set(['connection_established', 'unread_notifications', 'pong', 'error', 'notification_read', 'notifications_page', 'request_error', 'token_refreshed']),
    );
    expectOnContract(frames);
    expect(lines.flatMap((l) => (l.close ? [l.close] : []))).toEqual([
      [1008, 'Access token required'],
      [4001, 'Invalid or expired token'],
    ]);
  });
});
