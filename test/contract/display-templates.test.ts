// x-notify-display at generate time: every placeholder checked against the data schema, each error naming the message,
// the template (locale and key) and the field; what is accepted is what generated/ and display() carry.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDisplayTemplates } from '../../src/codegen/display-templates.js';
import { loadCheckedContract } from '../../src/codegen/load-app-contract.js';
import { cliTimeoutMs, copyContract, makeTempDir, removeTempDir, replaceOnce, runNotify } from '../support/contract.js';

let tmp: string;
let copies = 0;

beforeAll(async () => {
  tmp = await makeTempDir('notify-display-');
});
afterAll(async () => {
  await removeTempDir(tmp);
});

/** Loads an edited copy of asyncapi.yaml as generate does; the error it throws, or undefined when it is accepted. */
async function problemsOf(edit: (yaml: string) => string): Promise<string | undefined> {
  const dir = path.join(tmp, `copy-${++copies}`);
  await mkdir(dir);
  const file = await copyContract(dir, edit);
  return loadCheckedContract(file).then(
    () => undefined,
    (error: unknown) => (error as Error).message,
  );
}

const invitationEn = "          title: '{inviterUsername} invited you to {groupName}'\n";
const errorDeBody = "          body: '{message} (Fehler {errorCode})'\n";

describe('notify generate refuses a template that does not fit its data', () => {
  it('a placeholder naming no field: the message, the template and the field, with the fields there are', async () => {
    const message = await problemsOf((y) => replaceOnce(y, invitationEn, "          title: '{inviterName} invited you to {groupName}'\n"));
    expect(message).toContain(
      'message invitation_received (components.messages.invitationReceived) x-notify-display.en.title: {inviterName}: InvitationReceivedData has no field "inviterName" (fields: invitationId, groupId, groupName, inviterUsername)',
    );
    // Only that template: the German one is fine.
    expect(message).not.toContain('x-notify-display.de');
  }, cliTimeoutMs);

  it('a field that is not a string, number or integer (a boolean)', async () => {
    const message = await problemsOf((y) =>
      replaceOnce(y, "      x-notify-display:\n        title: '{title}'\n        body: '{message}'\n      payload:\n        $ref: '#/components/schemas/WarningNotification'", "      x-notify-display:\n        title: '{title}'\n        body: 'Act: {actionRequired}'\n      payload:\n        $ref: '#/components/schemas/WarningNotification'"),
    );
    expect(message).toContain('message warning (components.messages.warning) x-notify-display.body: {actionRequired} is boolean; a placeholder takes a string, number or integer field');
  }, cliTimeoutMs);

  it('in the second locale of a type, naming that locale', async () => {
    const message = await problemsOf((y) => replaceOnce(y, errorDeBody, "          body: '{message} (Fehler {errorCod})'\n"));
    expect(message).toContain('message error (components.messages.error) x-notify-display.de.body: {errorCod}: ErrorData has no field "errorCod"');
    expect(message).not.toContain('x-notify-display.en');
  }, cliTimeoutMs);

  it('nested fields: an object is refused, a field of it is followed, a missing one is named with its parent', async () => {
    const withMeta = (y: string): string =>
      replaceOnce(
        y,
        '        priority:\n          $ref: \'#/components/schemas/Priority\'\n',
        "        priority:\n          $ref: '#/components/schemas/Priority'\n        meta:\n          type: object\n          additionalProperties: false\n          required: [source]\n          properties:\n            source: { type: string }\n            tags: { type: array, items: { type: string } }\n",
      );
    const info = (body: string) => (y: string): string =>
      replaceOnce(withMeta(y), "        title: '{title}'\n        body: '{message}'\n      payload:\n        $ref: '#/components/schemas/InfoNotification'", `        title: '{title}'\n        body: '${body}'\n      payload:\n        $ref: '#/components/schemas/InfoNotification'`);
    expect(await problemsOf(info('{message} from {meta.source}'))).toBeUndefined();
    expect(await problemsOf(info('{meta}'))).toContain('x-notify-display.body: {meta} is object;');
    expect(await problemsOf(info('{meta.tags}'))).toContain('x-notify-display.body: {meta.tags} is array;');
    expect(await problemsOf(info('{meta.origin}'))).toContain('x-notify-display.body: {meta.origin}: InfoData.meta has no field "origin" (fields: source, tags)');
  }, cliTimeoutMs);

  it('a title that uses an optional field (body, url and icon may)', async () => {
    const title = (text: string) => (y: string): string => replaceOnce(y, "          title: 'Expiry notice: {productName}'\n", `          title: '${text}'\n`);
    expect(await problemsOf(title('{productName} expires {expiresAt}'))).toContain(
      'message product_expiry (components.messages.productExpiry) x-notify-display.en.title: {expiresAt} may be absent, and a title must always render whole',
    );
    const body = (y: string): string => replaceOnce(y, "          body: '{message}'\n        de:\n          title: 'Ablaufhinweis", "          body: 'Expires {expiresAt}'\n        de:\n          title: 'Ablaufhinweis");
    expect(await problemsOf(body)).toBeUndefined();
  }, cliTimeoutMs);

  it('a link template that cannot render an http(s) URL or relative path; a whole-field link is left to run time', async () => {
    const url = (text: string) => (y: string): string => replaceOnce(y, invitationEn, `${invitationEn}          url: '${text}'\n`);
    expect(await problemsOf(url('mailto:{inviterUsername}'))).toContain('x-notify-display.en.url: "mailto:{inviterUsername}" must render an http(s) URL or a relative path');
    expect(await problemsOf(url('{groupName}:alert(1)'))).toContain('x-notify-display.en.url: "{groupName}:alert(1)" must render');
    expect(await problemsOf(url('javascript:alert(1)'))).toContain('x-notify-display.en.url: "javascript:alert(1)" must render');
    expect(await problemsOf(url('/groups/{groupId}/invitations/{invitationId}'))).toBeUndefined();
    expect(await problemsOf(url('{groupName}'))).toBeUndefined();
  }, cliTimeoutMs);

  it('malformed templates: a lone brace, an unknown key, a locale that is no language tag, a locale without a title', async () => {
    const message = await problemsOf((y) =>
      replaceOnce(y, "        en:\n          title: '{title}'\n          body: '{message} Took {completionTime}.'\n", "        en:\n          title: '{title'\n          subtitle: x\n        english!:\n          title: x\n        fr:\n          body: '{message}'\n"),
    );
    expect(message).toContain('message success (components.messages.success) x-notify-display.en.title: "{title" has no closing "}"');
    expect(message).toContain('x-notify-display.en: unknown key subtitle (a template has title, body, url, icon)');
    expect(message).toContain('x-notify-display: "english!" is neither a template key (title, body, url, icon) nor a language tag');
    expect(message).toContain('x-notify-display.fr.title: missing (every template needs a title)');
  }, cliTimeoutMs);

  it('on a message that is not a notification', async () => {
    const dir = path.join(tmp, 'protocol-display');
    await mkdir(dir);
    const file = await copyContract(dir, undefined, false);
    const protocol = path.join(dir, 'protocol.yaml');
    const text = await readFile(protocol, 'utf8');
    await writeFile(protocol, text.replace(/(\n {4}pong:\n(?: {6}.*\n)*? {6}name: pong\n)/, "$1      x-notify-display: { title: 'Pong' }\n"));
    expect(await readFile(protocol, 'utf8')).toContain("x-notify-display: { title: 'Pong' }");
    const message = await loadCheckedContract(file).then(
      () => '',
      (error: unknown) => (error as Error).message,
    );
    expect(message).toContain('message pong (components.messages.pong) x-notify-display: only notification messages are displayed');
  }, cliTimeoutMs);

  it('through the CLI: exit 1, every problem on stderr, nothing written', async () => {
    const dir = path.join(tmp, 'cli');
    await mkdir(dir);
    const file = await copyContract(dir, (y) => replaceOnce(replaceOnce(y, invitationEn, "          title: '{inviter} invited you to {groupName}'\n"), errorDeBody, "          body: '{retryAllowed}'\n"));
    const out = path.join(dir, 'generated');
    const result = await runNotify(['generate', '--contract', file, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('x-notify-display: 2 template problems');
    expect(result.stderr).toContain('message invitation_received (components.messages.invitationReceived) x-notify-display.en.title: {inviter}: InvitationReceivedData has no field "inviter"');
    expect(result.stderr).toContain('message error (components.messages.error) x-notify-display.de.body: {retryAllowed} is boolean');
    expect(await readdir(dir)).not.toContain('generated');
  }, cliTimeoutMs);
});

describe('links a locale leaves out', () => {
  it('come from the locale it falls back to: de-CH from de, de and fr from en; a locale that names its own keeps it', () => {
    const { templates, problems } = readDisplayTemplates(
      { en: { title: 'Shipped', url: '/orders', icon: '/box.png' }, de: { title: 'Versandt', url: '/de/bestellungen' }, 'de-CH': { title: 'Verschickt' }, fr: { title: 'Expédié' } },
      { key: 'orderShipped', wireName: 'order_shipped' },
    );
    expect(problems).toEqual([]);
    expect(templates).toEqual({
      en: { title: 'Shipped', url: '/orders', icon: '/box.png' },
      de: { title: 'Versandt', url: '/de/bestellungen', icon: '/box.png' },
      'de-CH': { title: 'Verschickt', url: '/de/bestellungen', icon: '/box.png' },
      fr: { title: 'Expédié', url: '/orders', icon: '/box.png' },
    });
  });
});
