// What the client docs say, gathered once from the contract so the Markdown and HTML renderers agree.
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import type { DisplayTemplate } from '../client/display.js';
import { closeAdviceOf, type CloseCode, type ContractMessage, type ContractModel, type JsonSchema, type MessageKind } from '../codegen/contract-model.js';
import { payloadFields, type FieldRow, type SchemaContext } from './schema-fields.js';

export interface DocsExample {
  name: string;
  summary: string;
  /** Pretty JSON for JSON messages, the frame text itself for text frames. */
  text: string;
  language: 'json' | 'text';
}

/** A message as the docs show it: the contract's facts plus what the renderers need. */
export interface DocsMessage
  extends Pick<ContractMessage, 'key' | 'wireName' | 'kind' | 'title' | 'summary' | 'description' | 'contentType' | 'payloadSchemaName'> {
  /** Fragment id used by both renderers, e.g. `message-invitationReceived`. */
  anchor: string;
  fields: FieldRow[];
  /** For text frames: the exact frame text. */
  textFrame?: string;
  examples: DocsExample[];
  /** For notifications: how the type is shown, one row per locale (`*`: any locale); empty when it has no template. */
  display: DocsDisplayRow[];
}

/** One locale's display template, as the docs list it. */
export interface DocsDisplayRow extends DisplayTemplate {
  locale: string;
}

export interface DocsGroup {
  id: string;
  title: string;
  intro: string;
  messages: DocsMessage[];
}

export interface DocsModel {
  title: string;
  version: string;
  description: string;
  channelAddress: string;
  channelDescription: string;
  endpoints: { server: string; url: string; description: string }[];
  queryParameters: { name: string; description: string; pattern?: string }[];
  /** In the contract's order, which is the order the server tries them (first present wins). */
  credentials: { name: string; where: string; description: string }[];
  closeCodes: CloseCode[];
  groups: DocsGroup[];
}

function credentialWhere(scheme: ContractModel['securitySchemes'][number]): string {
  if (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer') return 'header `Authorization: Bearer <JWT>`';
  if (scheme.type === 'http') return `HTTP \`${scheme.scheme ?? 'auth'}\``;
  if (scheme.in === 'query') return `query parameter \`${scheme.paramName ?? ''}\``;
  if (scheme.in === 'cookie') return `cookie \`${scheme.paramName ?? ''}\``;
  if (scheme.in === 'header') return `header \`${scheme.paramName ?? ''}\``;
  return `${scheme.type}${scheme.paramName ? ` \`${scheme.paramName}\`` : ''}`;
}

function toDocsMessage(ctx: SchemaContext, message: ContractMessage): DocsMessage {
  const payload = ctx.schemas.get(message.payloadSchemaName) ?? message.payload;
  const isText = message.kind === 'text';
  return {
    key: message.key,
    anchor: `message-${message.key}`,
    wireName: message.wireName,
    kind: message.kind,
    title: message.title,
    summary: message.summary,
    description: message.description,
    contentType: message.contentType,
    payloadSchemaName: message.payloadSchemaName,
    fields: payloadFields(ctx, payload),
    textFrame: isText ? message.wireName : undefined,
    display: Object.entries(message.display ?? {}).map(([locale, template]) => ({ locale, ...template })),
    examples: message.examples.map((example) => {
      const text = typeof example.payload === 'string' && isText;
      return {
        name: example.name,
        summary: example.summary,
        text: text ? (example.payload as string) : JSON.stringify(example.payload, null, 2),
        language: text ? 'text' : 'json',
      };
    }),
  };
}

function queryParameters(document: AsyncAPIDocumentInterface): DocsModel['queryParameters'] {
  const binding = document.channels().all()[0]?.bindings().get('ws')?.value() as { query?: JsonSchema } | undefined;
  const properties = (binding?.query?.['properties'] ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    description: typeof schema['description'] === 'string' ? schema['description'] : '',
    pattern: typeof schema['pattern'] === 'string' ? schema['pattern'] : undefined,
  }));
}

/** Builds the docs model; the message order is the contract's (operation by operation). */
export function buildDocsModel(document: AsyncAPIDocumentInterface, contract: ContractModel): DocsModel {
  const messageNames = new Map(contract.messages.map((m) => [m.payloadSchemaName, m.wireName]));
  const ctx: SchemaContext = { schemas: contract.schemas, messageNames };
  const messages = contract.messages.map((m) => toDocsMessage(ctx, m));
  const group = (id: string, title: string, intro: string, kinds: MessageKind[]): DocsGroup => ({
    id,
    title,
    intro,
    messages: messages.filter((m) => kinds.includes(m.kind)),
  });
  const address = contract.channelAddress;
  return {
    title: contract.title,
    version: contract.version,
    description: contract.description,
    channelAddress: address,
    channelDescription: document.channels().all()[0]?.description() ?? '',
    endpoints: contract.servers.map((s) => ({ server: s.name, url: `${s.url.replace(/\/+$/, '')}${address}`, description: s.description })),
    queryParameters: queryParameters(document),
    credentials: contract.securitySchemes.map((s) => ({ name: s.name, where: credentialWhere(s), description: s.description })),
    closeCodes: contract.closeCodes,
    groups: [
      group('notifications', 'Server → client: notifications', 'Stored notifications. Each carries an `id` that sorts in delivery order per user; use it to mark read, page and resume (`since`).', ['notification']),
      group('control', 'Server → client: control frames', 'Connection state, snapshots, pages, read sync and answers to client actions. Not stored; no `id`.', ['control']),
      group('client', 'Client → server', 'Optional: a receive-only client sends nothing. Anything off-contract is answered with `request_error` and the socket stays open.', ['action', 'text']),
      group(
        'webhooks',
        'Server → your backend: webhook events',
        'HTTP POSTs to the endpoints a backend registered (`POST /api/v1/webhooks`), signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), at least once: retried with backoff for 24 hours, then dead-lettered. Verify the signature, then validate the body with the generated `webhookEventValidators`.',
        ['webhook'],
      ),
    ].filter((g) => g.messages.length > 0),
  };
}

/** What the docs say of a notification type without `x-notify-display`. */
export const noDisplayTemplateNote = 'No display template (`x-notify-display`): shown by its title.';

/** The docs' one-line account of the display templates. */
export const displayTemplatesNote =
  'Display (`x-notify-display`): how the inbox, push messages and `display()` show it; `{field}` is a field of `data`, inserted as text. A locale falls back to its language, then `en`, then the first row; `*` serves every locale.';

/** The reconnect column of the close-code tables: yes, no, or with a new token. */
export function reconnectText(closeCode: CloseCode): string {
  const advice = closeAdviceOf(closeCode);
  return advice === 'stop' ? 'no' : advice === 'reauthenticate' ? 'with a new token' : 'yes';
}
