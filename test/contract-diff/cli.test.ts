// `notify diff` end to end (built dist/): "no changes", readable and JSON output, exit codes 0 / 1 / 2, files that $ref others.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliTimeoutMs, contractPath, makeTempDir, removeTempDir, replaceOnce, runNotify } from '../support/contract.js';

const spawnTimeoutMs = cliTimeoutMs + 30_000;
let tmp: string;
let breaking: string;
beforeAll(async () => {
  tmp = await makeTempDir('notify-diff-cli-');
  breaking = path.join(tmp, 'breaking.yaml');
  await writeFile(breaking, replaceOnce(await readFile(contractPath, 'utf8'), 'enum: [low, medium, high]', 'enum: [low, medium]'));
  // The catalog references the protocol beside it.
  await writeFile(path.join(tmp, 'protocol.yaml'), await readFile(path.join(path.dirname(contractPath), 'protocol.yaml')));
});
afterAll(async () => {
  await removeTempDir(tmp);
});

describe('notify diff', () => {
  it('the repository contract against itself: "no changes", exit 0', async () => {
    const result = await runNotify(['diff', 'asyncapi.yaml', 'asyncapi.yaml']);
    expect(result.code, result.stderr).toBe(0);
    const version = /^ {2}version: (\S+)$/m.exec(await readFile(contractPath, 'utf8'))?.[1];
    expect(result.stdout).toBe(`no changes: asyncapi.yaml (${String(version)}) → asyncapi.yaml (${String(version)})\n`);
  }, spawnTimeoutMs);

  it('a breaking change: one readable line with who it breaks and why, exit 1; --fail-on none exits 0', async () => {
    const result = await runNotify(['diff', contractPath, breaking]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^BREAKS backends {2}components\.schemas\.Priority\.enum: enum value "high" removed\n/);
    expect(result.stdout).toContain('↳ what backends send is narrowed');
    expect(result.stdout).toMatch(/1 change, 1 breaking: /);
    const none = await runNotify(['diff', contractPath, breaking, '--fail-on', 'none']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe(result.stdout);
  }, spawnTimeoutMs);

  it('--json: one object a line', async () => {
    const result = await runNotify(['diff', contractPath, breaking, '--json']);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      { rule: 'enum-value-removed', where: 'components.schemas.Priority.enum', detail: 'enum value "high" removed', breaks: 'backends', reason: expect.any(String), announced: false },
    ]);
  }, spawnTimeoutMs);

  it('exit 2, not 1, on a usage error', async () => {
    const bogus = await runNotify(['diff', contractPath, contractPath, '--fail-on', 'bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('Allowed choices are breaking, any, none');
    expect((await runNotify(['diff', contractPath])).code).toBe(2);
  }, spawnTimeoutMs);

  it('exit 2 on a missing file or an invalid document, naming it', async () => {
    const missing = await runNotify(['diff', path.join(tmp, 'nope.yaml'), contractPath]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml');
    const invalid = path.join(tmp, 'invalid.yaml');
    await writeFile(invalid, 'asyncapi: 3.0.0\ninfo: { title: x }\nchannels: [\n');
    const bad = await runNotify(['diff', contractPath, invalid]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid.yaml');
    expect(bad.stdout).toBe('');
  }, spawnTimeoutMs);

  it('resolves $refs relative to each file: a change in a referenced file is found', async () => {
    const contract = (dir: string): string => path.join(tmp, dir, 'asyncapi.yaml');
    for (const [dir, maxLength] of [['before', 200], ['after', 100]] as const) {
      await mkdir(path.join(tmp, dir, 'schemas'), { recursive: true });
      await writeFile(path.join(tmp, dir, 'schemas', 'orders.yaml'), `OrderShippedData:\n  type: object\n  additionalProperties: false\n  required: [orderId]\n  properties:\n    orderId: { type: string, maxLength: ${maxLength} }\n`);
      await writeFile(contract(dir), [
        'asyncapi: 3.0.0',
        'info: { title: shop, version: 1.0.0 }',
        'channels:',
        '  notifications:',
        '    address: /api/v1/notifications',
        '    messages:',
        "      orderShipped: { $ref: '#/components/messages/orderShipped' }",
        'operations:',
        '  sendNotifications:',
        '    action: send',
        "    channel: { $ref: '#/channels/notifications' }",
        "    messages: [ { $ref: '#/channels/notifications/messages/orderShipped' } ]",
        'components:',
        '  messages:',
        '    orderShipped:',
        '      name: order_shipped',
        "      payload: { $ref: '#/components/schemas/OrderShippedNotification' }",
        '  schemas:',
        '    OrderShippedData:',
        "      $ref: './schemas/orders.yaml#/OrderShippedData'",
        '    OrderShippedNotification:',
        '      type: object',
        '      additionalProperties: false',
        '      required: [type, id, timestamp, data]',
        '      properties:',
        '        type: { type: string, const: order_shipped }',
        '        id: { type: string }',
        '        timestamp: { type: integer }',
        "        data: { $ref: '#/components/schemas/OrderShippedData' }",
        '',
      ].join('\n'));
    }
    // Run from elsewhere, so only resolution relative to each file can find schemas/orders.yaml.
    const result = await runNotify(['diff', contract('before'), contract('after'), '--json'], { cwd: tmp });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { rule: string; where: string; breaks: string })).toEqual([
      expect.objectContaining({ rule: 'bound-tightened', where: 'components.schemas.OrderShippedData.properties.orderId.maxLength', breaks: 'backends' }),
    ]);
  }, spawnTimeoutMs);
});
