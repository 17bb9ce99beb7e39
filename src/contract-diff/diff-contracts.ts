// Compares two parsed contracts: every change to a message, named schema or protocol fact, with who it breaks.
import { isDeepStrictEqual } from 'node:util';
import type { ContractMessage } from '../codegen/contract-model.js';
import type { ContractSnapshot } from './contract-snapshot.js';
import { rules, partyOf, schemaReason, type Party, type Roles, type Rule, type RuleId } from './rules.js';
import { diffSchemas, type SchemaChange } from './schema-diff.js';
import { SchemaRoles } from './schema-roles.js';

export interface ContractChange {
  rule: RuleId;
  /** Where in the contract, dotted: `components.schemas.InfoData.properties.priority`, `messages.info`, `x-close-codes.4029`. */
  where: string;
  detail: string;
  breaks: Party;
  reason: string;
}

function fixed(rule: RuleId, where: string, detail: string): ContractChange {
  const verdict = rules[rule].verdict;
  if (!('party' in verdict)) throw new Error(`rule ${rule} is decided by its effect, not fixed`);
  const entry: Rule = rules[rule];
  return { rule, where, detail, breaks: verdict.party, reason: entry.reason ?? '' };
}

function fromSchemaChange(change: SchemaChange, where: string, roles: Roles): ContractChange {
  const verdict = rules[change.rule].verdict;
  const at = [where, ...change.path].join('.');
  if ('party' in verdict) return fixed(change.rule, at, change.detail);
  const breaks = partyOf(verdict.effect, roles);
  return { rule: change.rule, where: at, detail: change.detail, breaks, reason: schemaReason(verdict.effect, roles, breaks) };
}

const messageKindNames: Record<ContractMessage['kind'], string> = {
  notification: 'notification type',
  control: 'control frame',
  action: 'client action',
  text: 'client text frame',
  webhook: 'webhook event',
};

const addedRules: Record<ContractMessage['kind'], RuleId> = {
  notification: 'notification-type-added',
  control: 'frame-added',
  webhook: 'webhook-event-added',
  action: 'action-added',
  text: 'action-added',
};
const removedRules: Record<ContractMessage['kind'], RuleId> = {
  notification: 'notification-type-removed',
  control: 'frame-removed',
  webhook: 'webhook-event-removed',
  action: 'action-removed',
  text: 'action-removed',
};

function messageRoles(message: ContractMessage): Roles {
  if (message.kind === 'notification') return { read: true, written: true };
  // A webhook's receiver reads what notify sends, like a client reads a control frame.
  return message.kind === 'control' || message.kind === 'webhook' ? { read: true, written: false } : { read: false, written: true };
}

function diffMessages(before: ContractSnapshot, after: ContractSnapshot): ContractChange[] {
  const changes: ContractChange[] = [];
  for (const [slot, old] of before.messages) {
    const now = after.messages.get(slot);
    const where = `messages.${old.wireName}`;
    if (!now) {
      const rule = removedRules[old.kind];
      changes.push(fixed(rule, where, `${messageKindNames[old.kind]} "${old.wireName}" removed`));
      continue;
    }
    if (old.payloadSchemaName !== now.payloadSchemaName) {
      // The payload is another named schema now: compare the two in place, once, under the message.
      const roles = messageRoles(now);
      changes.push({ ...fromSchemaChange({ rule: 'payload-schema-changed', path: ['payload'], detail: `payload ${old.payloadSchemaName} → ${now.payloadSchemaName}` }, where, roles) });
      for (const change of diffSchemas(before.schemas.get(old.payloadSchemaName), after.schemas.get(now.payloadSchemaName), { before: before.schemas, after: after.schemas })) {
        changes.push(fromSchemaChange(change, `${where}.payload`, roles));
      }
    }
    const docs = (['title', 'summary', 'description', 'examples'] as const).filter((key) => !isDeepStrictEqual(old[key], now[key]));
    if (docs.length) changes.push(fixed('message-docs-changed', where, `${docs.join(', ')} changed`));
    const display = displayChanges(old.display, now.display);
    if (display) changes.push(fixed('display-template-changed', `${where}.x-notify-display`, display));
  }
  for (const [slot, now] of after.messages) {
    if (before.messages.has(slot)) continue;
    const rule = addedRules[now.kind];
    changes.push(fixed(rule, `messages.${now.wireName}`, `${messageKindNames[now.kind]} "${now.wireName}" added`));
  }
  return changes;
}

/** What changed between two versions of a type's display templates, by locale and key; undefined when nothing did. */
function displayChanges(before: ContractMessage['display'], after: ContractMessage['display']): string | undefined {
  const order = (set: ContractMessage['display']): string => Object.keys(set ?? {}).join(',');
  if (isDeepStrictEqual(before, after)) return order(before) === order(after) ? undefined : `locale order ${order(before)} → ${order(after)} (the first is the last resort)`;
  if (!before) return 'templates added';
  if (!after) return 'templates removed';
  const parts: string[] = [];
  for (const locale of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const old = before[locale];
    const now = after[locale];
    if (!old) parts.push(`${locale} added`);
    else if (!now) parts.push(`${locale} removed`);
    else {
      const keys = (['title', 'body', 'url', 'icon'] as const).filter((key) => old[key] !== now[key]);
      if (keys.length) parts.push(`${keys.map((key) => `${locale}.${key}`).join(', ')} changed`);
    }
  }
  return parts.join('; ');
}

/** Payload schemas of the notification types added or removed: a union gaining or losing one echoes that change. */
function typesAddedOrRemoved(before: ContractSnapshot, after: ContractSnapshot): Map<string, string> {
  const echoes = new Map<string, string>();
  for (const [one, other] of [[before, after], [after, before]] as const) {
    for (const [slot, message] of one.messages) {
      if (message.kind === 'notification' && !other.messages.has(slot)) echoes.set(message.payloadSchemaName, message.wireName);
    }
  }
  return echoes;
}

function diffNamedSchemas(before: ContractSnapshot, after: ContractSnapshot): ContractChange[] {
  const roles = new SchemaRoles().addUses(before).addUses(after);
  const echoes = typesAddedOrRemoved(before, after);
  const changes: ContractChange[] = [];
  const names = [...new Set([...before.schemas.keys(), ...after.schemas.keys()])];
  for (const name of names) {
    const where = `components.schemas.${name}`;
    const old = before.schemas.get(name);
    const now = after.schemas.get(name);
    if (!old) changes.push(fixed('schema-added', where, `schema ${name} added`));
    else if (!now) changes.push(fixed('schema-removed', where, `schema ${name} removed`));
    else {
      for (const change of diffSchemas(old, now, { before: before.schemas, after: after.schemas })) {
        const echoed = change.rule === 'union-branch-added' || change.rule === 'union-branch-removed' ? echoes.get(change.path[change.path.length - 1] ?? '') : undefined;
        // A union of notifications (snapshots, pages) follows the catalog: judged once, as the type's own change.
        if (echoed !== undefined) changes.push({ rule: change.rule, where: [where, ...change.path].join('.'), detail: change.detail, breaks: 'none', reason: `follows from the type "${echoed}" being ${change.rule === 'union-branch-added' ? 'added' : 'removed'} (judged at messages.${echoed})` });
        else changes.push(fromSchemaChange(change, where, roles.of(name, change.field)));
      }
    }
  }
  return changes;
}

function diffProtocol(before: ContractSnapshot, after: ContractSnapshot): ContractChange[] {
  const changes: ContractChange[] = [];
  if (before.version !== after.version) changes.push(fixed('version-changed', 'info.version', `${before.version} → ${after.version}`));
  if (before.channelAddress !== after.channelAddress) {
    changes.push(fixed('channel-address-changed', 'channels.address', `${before.channelAddress} → ${after.channelAddress}`));
  }
  const codesBefore = new Map(before.closeCodes.map((c) => [c.code, c]));
  const codesAfter = new Map(after.closeCodes.map((c) => [c.code, c]));
  for (const [code, old] of codesBefore) {
    const where = `info.x-close-codes.${code}`;
    const now = codesAfter.get(code);
    if (!now) {
      changes.push(fixed('close-code-removed', where, `close code ${code} "${old.reason}" removed`));
      continue;
    }
    if (old.reconnect !== now.reconnect) changes.push(fixed('close-code-reconnect-changed', where, `reconnect ${String(old.reconnect)} → ${String(now.reconnect)}`));
    if (old.reason !== now.reason || old.description !== now.description) changes.push(fixed('close-code-docs-changed', where, old.reason !== now.reason ? `reason "${old.reason}" → "${now.reason}"` : 'description changed'));
  }
  for (const [code, now] of codesAfter) {
    if (!codesBefore.has(code)) changes.push(fixed('close-code-added', `info.x-close-codes.${code}`, `close code ${code} "${now.reason}" added`));
  }
  for (const [name, old] of before.securitySchemes) {
    const where = `components.securitySchemes.${name}`;
    const now = after.securitySchemes.get(name);
    if (!now) changes.push(fixed('security-scheme-removed', where, `credential ${name} removed`));
    else if (!isDeepStrictEqual(old, now)) changes.push(fixed('security-scheme-changed', where, `${show(old)} → ${show(now)}`));
  }
  for (const name of after.securitySchemes.keys()) {
    if (!before.securitySchemes.has(name)) changes.push(fixed('security-scheme-added', `components.securitySchemes.${name}`, `credential ${name} added`));
  }
  for (const [name, url] of before.servers) {
    const now = after.servers.get(name);
    if (now !== url) changes.push(fixed('server-removed', `servers.${name}`, now === undefined ? `server ${name} (${url}) removed` : `${url} → ${now}`));
  }
  for (const [name, url] of after.servers) {
    if (!before.servers.has(name)) changes.push(fixed('server-added', `servers.${name}`, `server ${name} (${url}) added`));
  }
  return changes;
}

function show(value: object): string {
  return Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${String(v)}`).join(' ');
}

/** Every change from `before` to `after`, each once: protocol facts, messages, then named schemas. */
export function diffContracts(before: ContractSnapshot, after: ContractSnapshot): ContractChange[] {
  return [...diffProtocol(before, after), ...diffMessages(before, after), ...diffNamedSchemas(before, after)];
}

/** True when `after`'s `info.version` announces breaking changes: a higher major (or, below 1.0.0, a higher minor). */
export function announcesBreakingChanges(beforeVersion: string, afterVersion: string): boolean {
  const parse = (v: string): [number, number] | undefined => {
    const match = /^v?(\d+)\.(\d+)/.exec(v.trim());
    return match ? [Number(match[1]), Number(match[2])] : undefined;
  };
  const a = parse(beforeVersion);
  const b = parse(afterVersion);
  if (!a || !b) return false;
  if (b[0] !== a[0]) return b[0] > a[0];
  return a[0] === 0 && b[1] > a[1];
}

export type FailOn = 'breaking' | 'any' | 'none';

/** 1 when a change meets `failOn` (breaking changes announced by the version do not count), else 0. */
export function diffExitCode(changes: readonly ContractChange[], failOn: FailOn, announced: boolean): 0 | 1 {
  if (failOn === 'none') return 0;
  if (failOn === 'any') return changes.length > 0 ? 1 : 0;
  return !announced && changes.some((c) => c.breaks !== 'none') ? 1 : 0;
}
