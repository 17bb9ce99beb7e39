// What an item shows by default: its type's display template for the reader's language, or its type's label without one.
import { renderDisplay, type DisplayContent, type DisplayTemplates } from '../../client/display.js';
import { humanize, type NotifyMessages } from '../messages.js';

/**
 * `n` rendered from its template in `templates` (text only; links only http(s) or relative). Before the templates
 * arrive, or for a type the catalog has no template for, the title is the type's label (`typeLabels`, else humanized).
 */
export function displayContent(templates: DisplayTemplates | undefined, n: { type: string; data?: unknown }, locale: string, messages: NotifyMessages): DisplayContent {
  const label = messages.typeLabels[n.type] ?? humanize(n.type);
  return templates ? renderDisplay(templates, n, locale, label) : { title: label };
}
