// Renders the docs model as one self-contained HTML page: a plain reference (no JavaScript) plus the AsyncAPI view.
import { displayTemplatesNote, noDisplayTemplateNote, reconnectText, type DocsGroup, type DocsMessage, type DocsModel } from './docs-model.js';
import { escapeHtml, inlineHtml, inlineScript, inlineStyle, paragraphsHtml, scriptLiteral } from './html-text.js';
import { referenceCss } from './html-style.js';
import { fieldNotes } from './schema-fields.js';

/** What the page inlines besides the model, so it opens offline. */
export interface HtmlAssets {
  /** The AsyncAPI document's source text, rendered in the browser by the standalone bundle. */
  contractSource: string;
  /** @asyncapi/react-component's browser/standalone/index.js (defines `AsyncApiStandalone`). */
  standaloneBundle: string;
  /** @asyncapi/react-component's styles/default.min.css. */
  standaloneCss: string;
}

/** Element ids of the plain reference are prefixed: the AsyncAPI view uses ids like `message-info` itself. */
function refId(id: string): string {
  return `ref-${id}`;
}

function table(head: string[], rows: string[][], className = ''): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${className ? ` class="${className}"` : ''}>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A type's display templates: one row per locale, the template text as code (escaped: it is text, never markup). */
function displayHtml(m: DocsMessage): string {
  if (!m.display.length) return `<p class="display">${inlineHtml(noDisplayTemplateNote)}</p>`;
  const codeOf = (text: string | undefined): string => (text === undefined ? '' : `<code>${escapeHtml(text)}</code>`);
  const rows = m.display.map((d) => [codeOf(d.locale), codeOf(d.title), codeOf(d.body), codeOf(d.url), codeOf(d.icon)]);
  return `<p class="display">${inlineHtml(displayTemplatesNote)}</p>\n${table(['locale', 'title', 'body', 'url', 'icon'], rows, 'display')}`;
}

function messageHtml(m: DocsMessage): string {
  const parts = [
    `<article class="message message-${m.kind}" id="${refId(m.anchor)}">`,
    `<h3><code class="wire-name">${escapeHtml(m.wireName)}</code> — ${escapeHtml(m.title)}</h3>`,
  ];
  if (m.summary) parts.push(`<p class="summary">${inlineHtml(m.summary)}</p>`);
  if (m.description) parts.push(paragraphsHtml(m.description));
  parts.push(`<p class="meta">Payload <code>${escapeHtml(m.payloadSchemaName)}</code> · ${escapeHtml(m.contentType)}</p>`);
  if (m.textFrame !== undefined) parts.push(`<p>A bare text frame, exactly <code>${escapeHtml(m.textFrame)}</code>.</p>`);
  if (m.fields.length) {
    const rows = m.fields.map((f) => [
      `<code>${escapeHtml(f.path)}</code>`,
      escapeHtml(f.type),
      f.required ? '<strong>yes</strong>' : 'no',
      inlineHtml(fieldNotes(f)),
    ]);
    parts.push(table(['field', 'type', 'required', 'notes'], rows, 'fields'));
  }
  if (m.kind === 'notification') parts.push(displayHtml(m));
  for (const example of m.examples) {
    const title = `Example <code>${escapeHtml(example.name)}</code>${example.summary ? ` — ${inlineHtml(example.summary)}` : ''}`;
    parts.push(`<figure class="example"><figcaption>${title}</figcaption><pre><code class="language-${example.language}">${escapeHtml(example.text)}</code></pre></figure>`);
  }
  parts.push('</article>');
  return parts.join('\n');
}

function groupHtml(group: DocsGroup): string {
  const index = table(
    ['message', 'title', 'summary'],
    group.messages.map((m) => [`<a href="#${refId(m.anchor)}"><code>${escapeHtml(m.wireName)}</code></a>`, escapeHtml(m.title), inlineHtml(m.summary)]),
  );
  return [`<section id="${refId(group.id)}">`, `<h2>${escapeHtml(group.title)}</h2>`, `<p>${inlineHtml(group.intro)}</p>`, index, ...group.messages.map(messageHtml), '</section>'].join('\n');
}

/** The plain, server-rendered reference: readable with JavaScript off. */
export function renderReferenceHtml(model: DocsModel): string {
  const contents = [
    '<li><a href="#ref-endpoint">Endpoint</a></li>',
    '<li><a href="#ref-credentials">Credentials</a></li>',
    '<li><a href="#ref-close-codes">Close codes</a></li>',
    ...model.groups.map(
      (g) => `<li><a href="#${refId(g.id)}">${escapeHtml(g.title)}</a><ul>${g.messages.map((m) => `<li><a href="#${refId(m.anchor)}"><code>${escapeHtml(m.wireName)}</code></a></li>`).join('')}</ul></li>`,
    ),
  ];
  const endpoint = [
    '<section id="ref-endpoint">',
    '<h2>Endpoint</h2>',
    `<p>WebSocket channel <code>${escapeHtml(model.channelAddress)}</code>.</p>`,
    '<p>Backends push over HTTP: <a href="openapi.json"><code>openapi.json</code></a> (OpenAPI 3.1, generated from the same contract; the server also answers it at <code>GET /api/v1/openapi.json</code>).</p>',
    table(['server', 'URL', 'description'], model.endpoints.map((e) => [escapeHtml(e.server), `<code>${escapeHtml(e.url)}</code>`, inlineHtml(e.description)])),
    paragraphsHtml(model.channelDescription),
    model.queryParameters.length
      ? table(['query parameter', 'description'], model.queryParameters.map((q) => [`<code>${escapeHtml(q.name)}</code>`, inlineHtml(q.description) + (q.pattern ? ` (pattern <code>${escapeHtml(q.pattern)}</code>)` : '')]))
      : '',
    '</section>',
  ];
  const credentials = [
    '<section id="ref-credentials">',
    '<h2>Credentials</h2>',
    '<p>A JWT whose <code>sub</code> is the user id. The first credential present wins, in this order:</p>',
    table(['#', 'where', 'scheme', 'description'], model.credentials.map((c, i) => [String(i + 1), inlineHtml(c.where), `<code>${escapeHtml(c.name)}</code>`, inlineHtml(c.description)])),
    '</section>',
  ];
  const closeCodes = [
    '<section id="ref-close-codes">',
    '<h2>Close codes</h2>',
    table(['code', 'reason', 'reconnect', 'meaning'], model.closeCodes.map((c) => [`<code>${c.code}</code>`, escapeHtml(c.reason), reconnectText(c), inlineHtml(c.description)])),
    '</section>',
  ];
  return [
    '<main id="reference" class="notify-reference">',
    `<h1>${escapeHtml(model.title)} ${escapeHtml(model.version)} — client reference</h1>`,
    paragraphsHtml(model.description),
    `<nav class="contents"><ul>${contents.join('')}</ul></nav>`,
    ...endpoint,
    ...credentials,
    ...closeCodes,
    ...model.groups.map(groupHtml),
    '</main>',
  ]
    .filter(Boolean)
    .join('\n');
}

/** The whole page. Deterministic: no dates, no random ids; the same inputs give the same bytes. */
export function renderHtml(model: DocsModel, assets: HtmlAssets): string {
  const title = `${model.title} ${model.version} — client documentation`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="notify docs">
<title>${escapeHtml(title)}</title>
<!-- Generated from asyncapi.yaml by \`notify docs\`. Do not edit: edit asyncapi.yaml and regenerate. -->
<style>
${inlineStyle(assets.standaloneCss)}
</style>
<style>
${referenceCss}
</style>
</head>
<body>
<nav class="notify-bar"><strong>${escapeHtml(model.title)} ${escapeHtml(model.version)}</strong> <a href="#asyncapi">AsyncAPI view</a> <a href="#reference">Plain reference</a></nav>
<div id="asyncapi" class="notify-asyncapi"><p class="notify-loading">The AsyncAPI view appears here once JavaScript runs; the plain reference below needs none.</p></div>
${renderReferenceHtml(model)}
<script>
${inlineScript(assets.standaloneBundle)}
</script>
<script>
(function () {
  var container = document.getElementById('asyncapi');
  try {
    AsyncApiStandalone.render({ schema: ${scriptLiteral(assets.contractSource)}, config: { show: { sidebar: false } } }, container);
  } catch (error) {
    container.textContent = 'The AsyncAPI view could not be rendered: ' + error + '. The plain reference below is complete.';
  }
})();
</script>
</body>
</html>
`;
}
