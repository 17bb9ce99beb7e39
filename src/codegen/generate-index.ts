// The generated index: message name / notification type → model and validator, the message unions, the catalog type.
import type { ContractMessage, ContractModel } from './contract-model.js';
import { dataValidatorName, validatorName } from './generate-validators.js';

/** `ts`: one TypeScript module (notify's own build); `esm`: JavaScript plus a declaration file (an app, no build). */
export type IndexFormat = 'ts' | 'esm';

export interface IndexTexts {
  /** `index.ts` (ts) or `index.js` (esm). */
  code: string;
  /** `index.d.ts` (esm only). */
  declarations?: string;
}

const quote = (value: string): string => JSON.stringify(value);

function union(messages: ContractMessage[]): string {
  return messages.length ? messages.map((m) => `M.${m.payloadSchemaName}`).join(' | ') : 'never';
}

function byName(messages: ContractMessage[], value: (m: ContractMessage) => string): string {
  return messages.map((m) => `  ${quote(m.wireName)}: ${value(m)};`).join('\n');
}

/** An exported constant: its type, and its initializer as JavaScript (`castTo` wraps validators for TypeScript). */
interface ValueDeclaration {
  doc: string;
  name: string;
  type: string;
  entries?: { key: string; value: string; castTo?: string }[];
  literal?: string;
}

function renderValue(d: ValueDeclaration, format: 'ts' | 'js' | 'dts'): string {
  const doc = d.doc ? `/** ${d.doc} */\n` : '';
  if (format === 'dts') return `${doc}export declare const ${d.name}: ${d.type};`;
  const annotation = format === 'ts' ? `: ${d.type}` : '';
  let init = d.literal ?? '';
  if (d.entries) {
    const lines = d.entries.map((e) => `  ${e.key}: ${format === 'ts' && e.castTo ? `${e.value} as unknown as ${e.castTo}` : e.value},`);
    init = `{\n${lines.join('\n')}\n}`;
  }
  return `${doc}export const ${d.name}${annotation} = ${init};`;
}

/** The NotificationId schema's pattern, as a regular expression literal. */
function notificationIdPattern(contract: ContractModel): string {
  const pattern = contract.schemas.get('NotificationId')?.['pattern'];
  if (typeof pattern !== 'string') throw new Error('components.schemas.NotificationId needs a pattern (the server checks cursors and ids with it)');
  return `/${pattern.replace(/\//g, '\\/')}/`;
}

/** Renders the index in either format; `header` is the "do not edit" stamp. */
export function generateIndex(contract: ContractModel, options: { format: IndexFormat; header: string; hash: string }): IndexTexts {
  const notifications = contract.messages.filter((m) => m.kind === 'notification');
  const controls = contract.messages.filter((m) => m.kind === 'control');
  const actions = contract.messages.filter((m) => m.kind === 'action');
  const texts = contract.messages.filter((m) => m.kind === 'text');
  const webhooks = contract.messages.filter((m) => m.kind === 'webhook');
  const names = (list: ContractMessage[]): string => `[${list.map((m) => quote(m.wireName)).join(', ')}]`;
  const validators = (list: ContractMessage[], name: (m: ContractMessage) => string, type: (m: ContractMessage) => string): ValueDeclaration['entries'] =>
    list.map((m) => ({ key: quote(m.wireName), value: `v.${name(m)}`, castTo: `Validator<${type(m)}>` }));

  const types = `/** A precompiled validator: a type guard that leaves its errors (JSON pointer + message) on \`.errors\`. */
export interface Validator<T> {
  (data: unknown): data is T;
  errors?: ErrorObject[] | null;
}

export type NotificationType = (typeof notificationTypes)[number];
export type Notification = ${union(notifications)};
export interface NotificationByType {
${byName(notifications, (m) => `M.${m.payloadSchemaName}`)}
}
export type NotificationData<T extends NotificationType = NotificationType> = NotificationByType[T]['data'];

/** The protocol's frames carry notifications of any catalog; here they carry this catalog's. */
type WithCatalogNotifications<F> = F extends { data: { notifications: unknown[] } }
  ? Omit<F, 'data'> & { data: Omit<F['data'], 'notifications'> & { notifications: Notification[] } }
  : F;
${controls.map((m) => `export type ${m.payloadSchemaName} = WithCatalogNotifications<M.${m.payloadSchemaName}>;`).join('\n')}

export type ControlMessageType = (typeof controlMessageTypes)[number];
export type ControlMessage = ${controls.length ? controls.map((m) => m.payloadSchemaName).join(' | ') : 'never'};
export interface ControlMessageByType {
${byName(controls, (m) => m.payloadSchemaName)}
}

export type ServerMessage = Notification | ControlMessage;
export type ServerMessageType = ServerMessage['type'];
export type ServerMessageByType = NotificationByType & ControlMessageByType;

export type ClientAction = (typeof clientActions)[number];
export type ClientMessage = ${union(actions)};
export interface ClientMessageByAction {
${byName(actions, (m) => `M.${m.payloadSchemaName}`)}
}
export type ClientTextFrame = (typeof clientTextFrames)[number];

export type WebhookEventType = (typeof webhookEventTypes)[number];
/** An event notify POSTs to the app's backend (the body of a webhook request). */
export type WebhookEvent = ${union(webhooks)};
export interface WebhookEventByType {
${byName(webhooks, (m) => `M.${m.payloadSchemaName}`)}
}

/** This contract's catalog, for \`createNotifyClient<Catalog>()\` from \`notify/client\`. */
export interface Catalog {
  notifications: NotificationByType;
}`;

  const values: ValueDeclaration[] = [
    { doc: 'sha256 of the contract and every file it references (the protocol): `notify serve` refuses stale output.', name: 'contractHash', type: quote(options.hash), literal: quote(options.hash) },
    { doc: 'Every notification `type`, in contract order.', name: 'notificationTypes', type: `readonly ${names(notifications)}`, literal: names(notifications) },
    { doc: 'The categories users may turn off in their preferences (`info.x-notify-categories`, "general" always), sorted.', name: 'notificationCategories', type: `readonly string[]`, literal: JSON.stringify(contract.categories) },
    { doc: 'Every server → client message `type` that is not a notification.', name: 'controlMessageTypes', type: `readonly ${names(controls)}`, literal: names(controls) },
    { doc: 'Every client → server `action`.', name: 'clientActions', type: `readonly ${names(actions)}`, literal: names(actions) },
    { doc: 'Bare text frames a client may send instead of JSON.', name: 'clientTextFrames', type: `readonly ${names(texts)}`, literal: names(texts) },
    { doc: 'Every webhook event `type` notify POSTs to an endpoint, in contract order.', name: 'webhookEventTypes', type: `readonly ${names(webhooks)}`, literal: names(webhooks) },
    {
      doc: '',
      name: 'notificationValidators',
      type: '{ readonly [K in NotificationType]: Validator<NotificationByType[K]> }',
      entries: validators(notifications, (m) => validatorName(m.key), (m) => `M.${m.payloadSchemaName}`),
    },
    {
      doc: 'Validators for the `data` of each notification type (what a backend pushes).',
      name: 'notificationDataValidators',
      type: '{ readonly [K in NotificationType]: Validator<NotificationData<K>> }',
      entries: validators(notifications, (m) => dataValidatorName(m.key), (m) => `M.${m.data?.schemaName ?? 'never'}`),
    },
    {
      doc: '',
      name: 'serverMessageValidators',
      type: '{ readonly [K in ServerMessageType]: Validator<ServerMessageByType[K]> }',
      entries: [{ key: '...notificationValidators', value: '' }, ...(validators(controls, (m) => validatorName(m.key), (m) => m.payloadSchemaName) ?? [])],
    },
    {
      doc: '',
      name: 'clientMessageValidators',
      type: '{ readonly [K in ClientAction]: Validator<ClientMessageByAction[K]> }',
      entries: validators(actions, (m) => validatorName(m.key), (m) => `M.${m.payloadSchemaName}`),
    },
    {
      doc: 'Validators for the body of each webhook event (what an endpoint receives, once its signature is verified).',
      name: 'webhookEventValidators',
      type: '{ readonly [K in WebhookEventType]: Validator<WebhookEventByType[K]> }',
      entries: validators(webhooks, (m) => validatorName(m.key), (m) => `M.${m.payloadSchemaName}`),
    },
    { doc: "The contract's NotificationId pattern (components.schemas.NotificationId).", name: 'notificationIdPattern', type: 'RegExp', literal: notificationIdPattern(contract) },
    {
      doc: "The contract's examples of each notification type (valid by test).",
      name: 'notificationExamples',
      type: '{ readonly [K in NotificationType]: readonly NotificationByType[K][] }',
      entries: notifications.map((m) => ({ key: quote(m.wireName), value: JSON.stringify(m.examples.map((e) => e.payload)) })),
    },
    {
      doc: "The contract's examples of each webhook event (valid by test).",
      name: 'webhookEventExamples',
      type: '{ readonly [K in WebhookEventType]: readonly WebhookEventByType[K][] }',
      entries: webhooks.map((m) => ({ key: quote(m.wireName), value: JSON.stringify(m.examples.map((e) => e.payload)) })),
    },
  ];
  // A spread entry renders as `...name,` (its value is empty).
  const render = (format: 'ts' | 'js' | 'dts'): string =>
    values.map((d) => renderValue(d, format).replace(/ {2}(\.\.\.\w+): ,/g, '  $1,')).join('\n\n');

  if (options.format === 'ts') {
    const code = `${options.header}import type { ErrorObject } from 'ajv';
import type * as M from './models.js';
import * as v from './validators.js';

export type * from './models.js';
export { display, displayTemplates } from './display.js';
export type { DisplayInput } from './display.js';

${types}

${render('ts')}
`;
    return { code };
  }
  const code = `${options.header}import * as v from './validators.js';

export { display, displayTemplates } from './display.js';

${render('js')}
`;
  const declarations = `${options.header}import type * as M from './models.js';

export type * from './models.js';
export { display, displayTemplates } from './display.js';
export type { DisplayInput } from './display.js';

/** What a failed validation leaves on \`.errors\` (ajv's ErrorObject). */
export interface ErrorObject {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message?: string;
}

${types}

${render('dts')}
`;
  return { code, declarations };
}
