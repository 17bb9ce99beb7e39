// Renders the docs model as Markdown (docs/client/README.md).
import { displayTemplatesNote, noDisplayTemplateNote, reconnectText, type DocsMessage, type DocsModel } from './docs-model.js';
import { fieldNotes, type FieldRow } from './schema-fields.js';

/** Header line stamped on the generated Markdown. */
export const markdownHeader = '<!-- Generated from asyncapi.yaml by `notify docs`. Do not edit: edit asyncapi.yaml and regenerate. -->';

/** Makes text safe inside one table cell: no line breaks, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

function fence(text: string, language: string): string[] {
  // A fence longer than any backtick run inside keeps the block intact.
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const marks = '`'.repeat(longest + 1);
  return [`${marks}${language}`, text, marks];
}

function fieldTable(fields: readonly FieldRow[]): string[] {
  return table(
    ['field', 'type', 'required', 'notes'],
    fields.map((f) => [`\`${f.path}\``, f.type, f.required ? 'yes' : 'no', fieldNotes(f)]),
  );
}

/** Inline code that survives backticks inside `text` (a longer run of backticks around it). */
function code(text: string): string {
  if (text === '') return '';
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const marks = '`'.repeat(longest + 1);
  return longest ? `${marks} ${text} ${marks}` : `${marks}${text}${marks}`;
}

function displaySection(m: DocsMessage): string[] {
  if (!m.display.length) return [noDisplayTemplateNote, ''];
  return [displayTemplatesNote, '', ...table(['locale', 'title', 'body', 'url', 'icon'], m.display.map((d) => [code(d.locale), code(d.title), code(d.body ?? ''), code(d.url ?? ''), code(d.icon ?? '')])), ''];
}

function messageSection(m: DocsMessage): string[] {
  const out = [`### <a id="${m.anchor}"></a>\`${m.wireName}\` — ${m.title}`, ''];
  if (m.summary) out.push(m.summary, '');
  if (m.description) out.push(m.description, '');
  out.push(`Payload: \`${m.payloadSchemaName}\` (${m.contentType}).`, '');
  if (m.textFrame !== undefined) out.push(`A bare text frame, exactly \`${m.textFrame}\`.`, '');
  if (m.fields.length) out.push(...fieldTable(m.fields), '');
  if (m.kind === 'notification') out.push(...displaySection(m));
  for (const example of m.examples) {
    out.push(`Example \`${example.name}\`${example.summary ? ` — ${example.summary}` : ''}:`, '', ...fence(example.text, example.language), '');
  }
  return out;
}

/** Where backends find the HTTP API: the document `notify docs` writes beside this one. */
const openApiNote = 'Backends push over HTTP: [`openapi.json`](openapi.json) (OpenAPI 3.1, generated from the same contract; the server also answers it at `GET /api/v1/openapi.json`).';

/** The whole Markdown document; same model, same text. */
export function renderMarkdown(model: DocsModel): string {
  const out: string[] = [markdownHeader, '', `# ${model.title} ${model.version} — client documentation`, ''];
  if (model.description) out.push(model.description.trim(), '');

  out.push('## Contents', '');
  out.push('- [Endpoint](#endpoint)', '- [Credentials](#credentials)', '- [Close codes](#close-codes)');
  for (const group of model.groups) {
    out.push(`- ${group.title}`);
    for (const m of group.messages) out.push(`  - [\`${m.wireName}\`](#${m.anchor}) — ${m.title}`);
  }
  out.push('');

  out.push('## Endpoint', '', `WebSocket channel \`${model.channelAddress}\`.`, '');
  out.push(openApiNote, '');
  out.push(...table(['server', 'URL', 'description'], model.endpoints.map((e) => [e.server, `\`${e.url}\``, e.description])), '');
  if (model.channelDescription) out.push(model.channelDescription.trim(), '');
  if (model.queryParameters.length) {
    out.push('Query parameters:', '');
    out.push(...table(['name', 'description'], model.queryParameters.map((q) => [`\`${q.name}\``, q.description + (q.pattern ? ` (pattern \`${q.pattern}\`)` : '')])), '');
  }

  out.push('## Credentials', '', 'A JWT whose `sub` is the user id. The first credential present wins, in this order:', '');
  out.push(...table(['#', 'where', 'scheme', 'description'], model.credentials.map((c, i) => [String(i + 1), c.where, `\`${c.name}\``, c.description])), '');

  out.push('## Close codes', '');
  out.push(...table(['code', 'reason', 'reconnect', 'meaning'], model.closeCodes.map((c) => [String(c.code), c.reason, reconnectText(c), c.description])), '');

  for (const group of model.groups) {
    out.push(`## ${group.title}`, '', group.intro, '');
    out.push(...table(['message', 'title', 'summary'], group.messages.map((m) => [`[\`${m.wireName}\`](#${m.anchor})`, m.title, m.summary])), '');
    for (const m of group.messages) out.push(...messageSection(m));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
