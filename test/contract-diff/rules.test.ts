// The diff rule table: for each rule, a mutated copy of asyncapi.yaml (the catalog) or of the protocol.yaml it references,
// every change it must report and the exit code.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractSnapshot } from '../../src/contract-diff/contract-snapshot.js';
import { announcesBreakingChanges, diffContracts, diffExitCode, type ContractChange } from '../../src/contract-diff/diff-contracts.js';
import { readContractSnapshot } from '../../src/contract-diff/diff-files.js';
import { rules } from '../../src/contract-diff/rules.js';
import { contractPath, makeTempDir, removeTempDir, replaceOnce, repoRoot } from '../support/contract.js';

type Expected = Pick<ContractChange, 'rule' | 'where' | 'breaks'>;

interface Row {
  name: string;
  /** Which file of the contract the row edits: the built-in catalog (default) or notify's protocol. */
  file?: 'protocol';
  edit: (yaml: string) => string;
  /** Every change the diff must report, in its order, and nothing else. */
  changes: Expected[];
  /** Exit code with the default `--fail-on breaking`. */
  exit: 0 | 1;
}

/** Replaces the section of a YAML block starting at `start` through the line before `nextKey` (both exact lines). */
function dropBlock(yaml: string, start: string, nextKey: string): string {
  const from = yaml.indexOf(start);
  const to = yaml.indexOf(nextKey, from + start.length);
  if (from < 0 || to < 0) throw new Error(`no block ${JSON.stringify(start)} … ${JSON.stringify(nextKey)}`);
  return yaml.slice(0, from) + yaml.slice(to);
}

const schemas = 'components.schemas';
/** The line before ProductExpiryData's `expiresAt` (TokenRefreshedData has an `expiresAt` too). */
const productName = '        productName: { type: string, minLength: 1, maxLength: 200 }\n';

const table: Row[] = [
  {
    name: 'remove a type',
    edit: (y) => {
      let out = replaceOnce(y, "      info:\n        $ref: '#/components/messages/info'\n", '');
      out = replaceOnce(out, "      - $ref: '#/channels/notifications/messages/info'\n", '');
      out = dropBlock(out, '    info:\n      name: info\n', '    warning:\n      name: warning\n');
      out = dropBlock(out, '    InfoData:\n', '    Priority:\n');
      out = dropBlock(out, '    Priority:\n', '    WarningData:\n');
      return dropBlock(out, '    InfoNotification:\n', '    WarningNotification:\n');
    },
    changes: [
      { rule: 'notification-type-removed', where: 'messages.info', breaks: 'backends' },
      { rule: 'schema-removed', where: `${schemas}.InfoData`, breaks: 'none' },
      { rule: 'schema-removed', where: `${schemas}.Priority`, breaks: 'none' },
      { rule: 'schema-removed', where: `${schemas}.InfoNotification`, breaks: 'none' },
      { rule: 'union-branch-removed', where: `${schemas}.AnyNotification.oneOf.InfoNotification`, breaks: 'none' },
    ],
    exit: 1,
  },
  {
    name: 'add a type',
    edit: (y) => {
      let out = replaceOnce(y, "      productExpiry:\n        $ref: '#/components/messages/productExpiry'\n", "      productExpiry:\n        $ref: '#/components/messages/productExpiry'\n      reportReady:\n        $ref: '#/components/messages/reportReady'\n");
      out = replaceOnce(out, "      - $ref: '#/channels/notifications/messages/productExpiry'\n", "      - $ref: '#/channels/notifications/messages/productExpiry'\n      - $ref: '#/channels/notifications/messages/reportReady'\n");
      // AnyNotification, the union snapshots and pages carry, is the generator's: it gains the new type by itself.
      out = replaceOnce(out, '\n  schemas:\n', [
        '    reportReady:',
        '      name: report_ready',
        '      title: Report ready',
        '      summary: A report can be downloaded.',
        '      payload:',
        "        $ref: '#/components/schemas/ReportReadyNotification'",
        '      examples:',
        '        - name: ready',
        "          payload: { type: report_ready, id: '9', timestamp: 1, data: { url: 'https://r.example/1' } }",
        '',
        '  schemas:',
        '    ReportReadyData:',
        '      type: object',
        '      additionalProperties: false',
        '      required: [url]',
        '      properties:',
        '        url: { type: string, format: uri }',
        '    ReportReadyNotification:',
        '      type: object',
        '      additionalProperties: false',
        '      required: [type, id, timestamp, data]',
        '      properties:',
        '        type: { type: string, const: report_ready }',
        "        id: { $ref: './protocol.yaml#/components/schemas/NotificationId' }",
        "        timestamp: { $ref: './protocol.yaml#/components/schemas/Timestamp' }",
        "        data: { $ref: '#/components/schemas/ReportReadyData' }",
        '',
      ].join('\n'));
      return out;
    },
    changes: [
      { rule: 'notification-type-added', where: 'messages.report_ready', breaks: 'none' },
      { rule: 'union-branch-added', where: `${schemas}.AnyNotification.oneOf.ReportReadyNotification`, breaks: 'none' },
      { rule: 'schema-added', where: `${schemas}.ReportReadyData`, breaks: 'none' },
      { rule: 'schema-added', where: `${schemas}.ReportReadyNotification`, breaks: 'none' },
    ],
    exit: 0,
  },
  {
    name: 'remove an optional field',
    edit: (y) => replaceOnce(y, `${productName}        expiresAt: { type: string, format: date-time }\n`, productName),
    changes: [{ rule: 'field-removed-optional', where: `${schemas}.ProductExpiryData.properties.expiresAt`, breaks: 'backends' }],
    exit: 1,
  },
  {
    name: 'remove a required field',
    edit: (y) =>
      replaceOnce(
        replaceOnce(y, 'required: [invitationId, groupId, deniedByUsername]', 'required: [invitationId, groupId]'),
        '        deniedByUsername: { type: string, minLength: 1, maxLength: 100 }\n',
        '',
      ),
    changes: [{ rule: 'field-removed-required', where: `${schemas}.InvitationDeniedData.properties.deniedByUsername`, breaks: 'both' }],
    exit: 1,
  },
  {
    name: 'add a required field',
    edit: (y) =>
      replaceOnce(
        replaceOnce(y, 'required: [title, message, actionRequired]', 'required: [title, message, actionRequired, helpUrl]'),
        '        actionRequired: { type: boolean }\n',
        '        actionRequired: { type: boolean }\n        helpUrl: { type: string, format: uri }\n',
      ),
    changes: [{ rule: 'field-added-required', where: `${schemas}.WarningData.properties.helpUrl`, breaks: 'both' }],
    exit: 1,
  },
  {
    name: 'add an optional field',
    edit: (y) => replaceOnce(y, '        actionRequired: { type: boolean }\n', '        actionRequired: { type: boolean }\n        helpUrl: { type: string, format: uri }\n'),
    changes: [{ rule: 'field-added-optional', where: `${schemas}.WarningData.properties.helpUrl`, breaks: 'clients' }],
    exit: 1,
  },
  {
    name: 'remove an enum value',
    edit: (y) => replaceOnce(y, 'enum: [low, medium, high]', 'enum: [low, medium]'),
    changes: [{ rule: 'enum-value-removed', where: `${schemas}.Priority.enum`, breaks: 'backends' }],
    exit: 1,
  },
  {
    name: 'add an enum value',
    edit: (y) => replaceOnce(y, 'enum: [low, medium, high]', 'enum: [low, medium, high, urgent]'),
    changes: [{ rule: 'enum-value-added', where: `${schemas}.Priority.enum`, breaks: 'clients' }],
    exit: 1,
  },
  {
    name: 'tighten maxLength',
    edit: (y) =>
      replaceOnce(
        y,
        '        groupName: { type: string, minLength: 1, maxLength: 200 }\n        inviterUsername',
        '        groupName: { type: string, minLength: 1, maxLength: 100 }\n        inviterUsername',
      ),
    changes: [{ rule: 'bound-tightened', where: `${schemas}.InvitationReceivedData.properties.groupName.maxLength`, breaks: 'backends' }],
    exit: 1,
  },
  {
    name: 'loosen a bound of a control frame',
    file: 'protocol',
    edit: (y) => replaceOnce(y, '        message: { type: string, maxLength: 1000 }\n', '        message: { type: string, maxLength: 2000 }\n'),
    changes: [{ rule: 'bound-loosened', where: `${schemas}.RequestErrorData.properties.message.maxLength`, breaks: 'clients' }],
    exit: 1,
  },
  {
    name: 'change a format',
    edit: (y) => replaceOnce(y, `${productName}        expiresAt: { type: string, format: date-time }\n`, `${productName}        expiresAt: { type: string, format: date }\n`),
    changes: [{ rule: 'format-changed', where: `${schemas}.ProductExpiryData.properties.expiresAt.format`, breaks: 'both' }],
    exit: 1,
  },
  {
    name: 'add an action',
    file: 'protocol',
    edit: (y) => {
      let out = replaceOnce(y, "      configure:\n        $ref: '#/components/messages/configure'\n", "      configure:\n        $ref: '#/components/messages/configure'\n      markAllUnread:\n        $ref: '#/components/messages/markAllUnread'\n");
      out = replaceOnce(out, "      - $ref: '#/channels/notify/messages/configure'\n", "      - $ref: '#/channels/notify/messages/configure'\n      - $ref: '#/channels/notify/messages/markAllUnread'\n");
      out = replaceOnce(out, '\n  schemas:\n', [
        '    markAllUnread:',
        '      name: mark_all_unread',
        '      title: Mark all unread',
        '      summary: Marks every notification unread.',
        '      payload:',
        "        $ref: '#/components/schemas/MarkAllUnreadAction'",
        '      examples:',
        '        - name: all',
        '          payload:',
        '            action: mark_all_unread',
        '',
        '  schemas:',
        '    MarkAllUnreadAction:',
        '      $id: MarkAllUnreadAction', // the protocol names its schemas, so the name survives a $ref from the catalog
        '      type: object',
        '      additionalProperties: false',
        '      required: [action]',
        '      properties:',
        '        action: { type: string, const: mark_all_unread }',
        '',
      ].join('\n'));
      return out;
    },
    changes: [
      { rule: 'action-added', where: 'messages.mark_all_unread', breaks: 'none' },
      { rule: 'schema-added', where: `${schemas}.MarkAllUnreadAction`, breaks: 'none' },
    ],
    exit: 0,
  },
  {
    name: 'make an action field required',
    file: 'protocol',
    edit: (y) => replaceOnce(y, '      required: [action]\n      properties:\n        action: { type: string, const: load_more }', '      required: [action, limit]\n      properties:\n        action: { type: string, const: load_more }'),
    changes: [{ rule: 'field-now-required', where: `${schemas}.LoadMoreAction.properties.limit`, breaks: 'backends' }],
    exit: 1,
  },
  {
    name: 'change a close code',
    file: 'protocol',
    edit: (y) => replaceOnce(y, '      - code: 4029\n', '      - code: 4030\n'),
    changes: [
      { rule: 'close-code-removed', where: 'info.x-close-codes.4029', breaks: 'clients' },
      { rule: 'close-code-added', where: 'info.x-close-codes.4030', breaks: 'clients' },
    ],
    exit: 1,
  },
  {
    name: 'change the channel address',
    file: 'protocol',
    edit: (y) => replaceOnce(y, '    address: /api/v1/notifications\n', '    address: /api/v2/notifications\n'),
    changes: [{ rule: 'channel-address-changed', where: 'channels.address', breaks: 'clients' }],
    exit: 1,
  },
  {
    name: 'change only a description',
    file: 'protocol',
    edit: (y) => replaceOnce(y, '      description: Names one kept push subscription.\n', '      description: The id of a push subscription.\n'),
    changes: [{ rule: 'docs-changed', where: `${schemas}.WebPushSubscriptionId`, breaks: 'none' }],
    exit: 0,
  },
  {
    name: 'inline a named schema, unchanged (as when it moves to another file)',
    edit: (y) => replaceOnce(y, "        priority:\n          $ref: '#/components/schemas/Priority'\n", '        priority: { type: string, enum: [low, medium, high] }\n'),
    changes: [{ rule: 'ref-replaced', where: `${schemas}.InfoData.properties.priority`, breaks: 'none' }],
    exit: 0,
  },
  {
    name: 'inline a named schema and change it: the change is found in place',
    edit: (y) => replaceOnce(y, "        priority:\n          $ref: '#/components/schemas/Priority'\n", '        priority: { type: string, enum: [low, medium] }\n'),
    changes: [
      { rule: 'ref-replaced', where: `${schemas}.InfoData.properties.priority`, breaks: 'none' },
      { rule: 'enum-value-removed', where: `${schemas}.InfoData.properties.priority.enum`, breaks: 'backends' },
    ],
    exit: 1,
  },
  {
    name: 'change a display template and add a locale',
    edit: (y) =>
      replaceOnce(
        y,
        "        de:\n          title: '{deniedByUsername} hat deine Einladung abgelehnt'\n",
        "        de:\n          title: '{deniedByUsername} hat die Einladung abgelehnt'\n        fr:\n          title: '{deniedByUsername} a décliné votre invitation'\n",
      ),
    changes: [{ rule: 'display-template-changed', where: 'messages.invitation_denied.x-notify-display', breaks: 'none' }],
    exit: 0,
  },
  {
    name: 'remove display templates',
    edit: (y) => replaceOnce(y, "      x-notify-display:\n        title: '{title}'\n        body: '{message}'\n      payload:\n        $ref: '#/components/schemas/WarningNotification'", "      payload:\n        $ref: '#/components/schemas/WarningNotification'"),
    changes: [{ rule: 'display-template-changed', where: 'messages.warning.x-notify-display', breaks: 'none' }],
    exit: 0,
  },
  {
    name: 'no change',
    edit: (y) => y,
    changes: [],
    exit: 0,
  },
];

let tmp: string;
let original: string;
let originalProtocol: string;
/** The repository's contract, parsed once for every row. */
let base: ContractSnapshot;
beforeAll(async () => {
  tmp = await makeTempDir('notify-diff-');
  original = await readFile(contractPath, 'utf8');
  originalProtocol = await readFile(path.join(repoRoot, 'protocol.yaml'), 'utf8');
  base = await readContractSnapshot(contractPath);
});
afterAll(async () => {
  await removeTempDir(tmp);
});

/** Writes the catalog `text` and the protocol it references (`protocol`, default the repository's) into a directory of their own. */
async function write(name: string, text: string, protocol = originalProtocol): Promise<string> {
  const dir = path.join(tmp, name.replace(/\.yaml$/, ''));
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'protocol.yaml'), protocol);
  const file = path.join(dir, 'asyncapi.yaml');
  await writeFile(file, text);
  return file;
}

/** Writes the edited contract to a file, parses it back and diffs it against the repository's. */
async function diffAgainstBase(name: string, text: string, protocol?: string): Promise<{ changes: ContractChange[]; announced: boolean }> {
  const after = await readContractSnapshot(await write(`${name.replace(/[^a-z0-9]+/gi, '-')}.yaml`, text, protocol));
  return { changes: diffContracts(base, after), announced: announcesBreakingChanges(base.version, after.version) };
}

describe('notify diff rules (asyncapi.yaml → a mutated copy)', () => {
  it.each(table)('$name', async (row) => {
    const edited = row.file === 'protocol' ? row.edit(originalProtocol) : row.edit(original);
    if (row.name !== 'no change') expect(edited).not.toBe(row.file === 'protocol' ? originalProtocol : original);
    const report = row.file === 'protocol' ? await diffAgainstBase(row.name, original, edited) : await diffAgainstBase(row.name, edited);
    expect(report.changes.map(({ rule, where, breaks }) => ({ rule, where, breaks }))).toEqual(row.changes);
    for (const change of report.changes) {
      expect(change.reason, change.rule).not.toBe('');
      expect(change.detail, change.rule).not.toBe('');
    }
    expect(diffExitCode(report.changes, 'breaking', report.announced)).toBe(row.exit);
    expect(diffExitCode(report.changes, 'any', report.announced)).toBe(row.changes.length > 0 ? 1 : 0);
    expect(diffExitCode(report.changes, 'none', report.announced)).toBe(0);
  }, 60_000);

  it('says which locale and key of a display template changed, and that removing one is documentation only', async () => {
    const rows = ['change a display template and add a locale', 'remove display templates'].map((name) => table.find((r) => r.name === name)!);
    const [changed, removed] = await Promise.all(rows.map((row) => diffAgainstBase(`${row.name} details`, row.edit(original))));
    expect(changed!.changes.map((c) => c.detail)).toEqual(['de.title changed; fr added']);
    expect(removed!.changes.map((c) => c.detail)).toEqual(['templates removed']);
    expect(changed!.changes[0]!.reason).toMatch(/how the type is shown changes, not what is sent/);
  }, 60_000);

  it('a breaking change is announced by a higher major of info.version (a higher minor below 1.0.0)', async () => {
    const setVersion = (y: string, v: string): string => y.replace(/^ {2}version: .*$/m, `  version: ${v}`);
    const removeHigh = (y: string): string => replaceOnce(y, 'enum: [low, medium, high]', 'enum: [low, medium]');
    const diffVersions = async (from: string, to: string): Promise<{ changes: ContractChange[]; announced: boolean }> => {
      const before = await readContractSnapshot(await write(`v${from}.yaml`, setVersion(original, from)));
      const after = await readContractSnapshot(await write(`v${to}-no-high.yaml`, setVersion(removeHigh(original), to)));
      return { changes: diffContracts(before, after), announced: announcesBreakingChanges(before.version, after.version) };
    };
    for (const [from, to, announced] of [['1.4.0', '2.0.0', true], ['1.4.0', '1.5.0', false], ['0.3.0', '0.4.0', true], ['0.3.0', '0.3.1', false]] as const) {
      const report = await diffVersions(from, to);
      expect(report.announced, `${from} → ${to}`).toBe(announced);
      expect(report.changes.map((c) => c.rule)).toEqual(['version-changed', 'enum-value-removed']);
      expect(diffExitCode(report.changes, 'breaking', report.announced)).toBe(announced ? 0 : 1);
      expect(diffExitCode(report.changes, 'any', report.announced)).toBe(1);
    }
    expect(announcesBreakingChanges('2.0.0', '1.9.0')).toBe(false);
    expect(announcesBreakingChanges('not-semver', '2.0.0')).toBe(false);
  }, 120_000);
});

describe('the rule table of docs/app-contract.md', () => {
  it('lists every rule of src/contract-diff/rules.ts with its verdict, and no other', async () => {
    const page = await readFile(path.join(repoRoot, 'docs', 'app-contract.md'), 'utf8');
    const section = page.slice(page.indexOf('## Contract evolution'), page.indexOf('Not compared:'));
    const rows = [...section.matchAll(/^\| `([a-z-]+)` \| ([^|]+) \| ([^|]+) \|/gm)].map((m) => ({ id: m[1]!, verdict: m[3]!.trim() }));
    expect(rows.map((r) => r.id).sort()).toEqual(Object.keys(rules).sort());
    for (const { id, verdict } of rows) {
      const rule = rules[id as keyof typeof rules].verdict;
      expect(verdict, id).toBe('party' in rule ? `**${rule.party}**` : rule.effect);
    }
  });
});
