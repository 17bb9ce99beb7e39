// generated/index.ts: message name / notification type → model and validator, and the message unions.
import type { ContractMessage, ContractModel } from './contract-model.js';
import { generatedHeader } from './naming.js';
import { dataValidatorName, validatorName } from './generate-validators.js';

const quote = (value: string): string => JSON.stringify(value);

function union(messages: ContractMessage[]): string {
  return messages.length ? messages.map((m) => `M.${m.payloadSchemaName}`).join(' | ') : 'never';
}

function byName(messages: ContractMessage[], value: (m: ContractMessage) => string): string {
  return messages.map((m) => `  ${quote(m.wireName)}: ${value(m)};`).join('\n');
}

function validatorMap(messages: ContractMessage[], name: (m: ContractMessage) => string, type: (m: ContractMessage) => string): string {
  return messages.map((m) => `  ${quote(m.wireName)}: v.${name(m)} as unknown as Validator<${type(m)}>,`).join('\n');
}

/** The NotificationId schema's pattern, as a regular expression literal. */
function notificationIdPattern(contract: ContractModel): string {
  const pattern = contract.schemas.get('NotificationId')?.['pattern'];
  if (typeof pattern !== 'string') throw new Error('components.schemas.NotificationId needs a pattern (the server checks cursors and ids with it)');
  return `/${pattern.replace(/\//g, '\\/')}/`;
}

/** Returns the text of generated/index.ts. */
export function generateIndex(contract: ContractModel): string {
  const notifications = contract.messages.filter((m) => m.kind === 'notification');
  const controls = contract.messages.filter((m) => m.kind === 'control');
  const actions = contract.messages.filter((m) => m.kind === 'action');
  const texts = contract.messages.filter((m) => m.kind === 'text');
  const names = (list: ContractMessage[]): string => list.map((m) => quote(m.wireName)).join(', ');
  const examples = notifications
    .map((m) => `  ${quote(m.wireName)}: ${JSON.stringify(m.examples.map((e) => e.payload))},`)
    .join('\n');

  return `${generatedHeader}import type { ErrorObject } from 'ajv';
import type * as M from './models.js';
import * as v from './validators.js';

export type * from './models.js';

/** A precompiled validator: a type guard that leaves its errors (JSON pointer + message) on \`.errors\`. */
export interface Validator<T> {
  (data: unknown): data is T;
  errors?: ErrorObject[] | null;
}

/** Every notification \`type\`, in contract order. */
export const notificationTypes = [${names(notifications)}] as const;
export type NotificationType = (typeof notificationTypes)[number];
export type Notification = ${union(notifications)};
export interface NotificationByType {
${byName(notifications, (m) => `M.${m.payloadSchemaName}`)}
}
export type NotificationData<T extends NotificationType = NotificationType> = NotificationByType[T]['data'];

/** Every server → client message \`type\` that is not a notification. */
export const controlMessageTypes = [${names(controls)}] as const;
export type ControlMessageType = (typeof controlMessageTypes)[number];
export type ControlMessage = ${union(controls)};
export interface ControlMessageByType {
${byName(controls, (m) => `M.${m.payloadSchemaName}`)}
}

export type ServerMessage = Notification | ControlMessage;
export type ServerMessageType = ServerMessage['type'];
export type ServerMessageByType = NotificationByType & ControlMessageByType;

/** Every client → server \`action\`. */
export const clientActions = [${names(actions)}] as const;
export type ClientAction = (typeof clientActions)[number];
export type ClientMessage = ${union(actions)};
export interface ClientMessageByAction {
${byName(actions, (m) => `M.${m.payloadSchemaName}`)}
}
/** Bare text frames a client may send instead of JSON. */
export const clientTextFrames = [${names(texts)}] as const;
export type ClientTextFrame = (typeof clientTextFrames)[number];

export const notificationValidators: { readonly [K in NotificationType]: Validator<NotificationByType[K]> } = {
${validatorMap(notifications, (m) => validatorName(m.key), (m) => `M.${m.payloadSchemaName}`)}
};

/** Validators for the \`data\` of each notification type (what a backend pushes). */
export const notificationDataValidators: { readonly [K in NotificationType]: Validator<NotificationData<K>> } = {
${validatorMap(notifications, (m) => dataValidatorName(m.key), (m) => `M.${m.data?.schemaName ?? 'never'}`)}
};

export const serverMessageValidators: { readonly [K in ServerMessageType]: Validator<ServerMessageByType[K]> } = {
  ...notificationValidators,
${validatorMap(controls, (m) => validatorName(m.key), (m) => `M.${m.payloadSchemaName}`)}
};

export const clientMessageValidators: { readonly [K in ClientAction]: Validator<ClientMessageByAction[K]> } = {
${validatorMap(actions, (m) => validatorName(m.key), (m) => `M.${m.payloadSchemaName}`)}
};

/** The contract's NotificationId pattern (components.schemas.NotificationId). */
export const notificationIdPattern = ${notificationIdPattern(contract)};

/** The contract's examples of each notification type (valid by test). */
export const notificationExamples: { readonly [K in NotificationType]: readonly NotificationByType[K][] } = {
${examples}
};
`;
}
