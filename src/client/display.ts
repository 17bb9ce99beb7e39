// Renders a notification for display from its type's template (`x-notify-display`): plain text, safe links, one locale.
import { isSafeLink } from './display-link.js';
import { anyLocale, pickLocale } from './display-locale.js';
import { parseTemplate, type TemplatePart } from './display-template.js';

/** One template, as `x-notify-display` writes it: strings with `{field}` / `{nested.field}` placeholders over `data`. */
export interface DisplayTemplate {
  readonly title: string;
  readonly body?: string;
  readonly url?: string;
  readonly icon?: string;
}

/**
 * A type's templates by locale tag (`en`, `de`, `de-CH`), in the contract's order; a contract that writes one
 * template without locales has the single key `*` (any locale).
 */
export type DisplayTemplateSet = Readonly<Record<string, DisplayTemplate>>;

/** Every type's templates, by notification `type`: `displayTemplates` in generated/, `GET /api/v1/display-templates`. */
export type DisplayTemplates = Readonly<Record<string, DisplayTemplateSet>>;

/**
 * What a notification shows. Every string is plain text, never HTML: put it in the page with `textContent` (or a
 * framework's text binding), never `innerHTML`. `url` and `icon` are http(s) URLs or relative references.
 */
export interface DisplayContent {
  title: string;
  body?: string;
  url?: string;
  icon?: string;
  /** The locale of the template used (e.g. for a `lang` attribute); absent for a locale-independent one. */
  lang?: string;
}

/** What {@link renderDisplay} reads of a notification. */
export interface DisplayableNotification {
  readonly type: string;
  readonly data?: unknown;
}

const hasOwn = (value: object, key: string): boolean => Object.prototype.hasOwnProperty.call(value, key);

/** The text of a placeholder: a string as is, a finite number as `String(n)`; anything else (absent, null, …) is none. */
function valueAt(data: unknown, path: readonly string[]): string | undefined {
  let node = data;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === 'string') return node;
  if (typeof node === 'number' && Number.isFinite(node)) return String(node);
  return undefined;
}

/** Fills a text template; undefined when a placeholder has no value and `whole` asks for all or nothing. */
function fillText(parts: readonly TemplatePart[], data: unknown, whole: boolean): string | undefined {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const value = valueAt(data, part.path);
    if (value === undefined && whole) return undefined;
    out += value ?? '';
  }
  return out;
}

/**
 * Fills a `url` or `icon` template. A template that is exactly one placeholder takes the value as is; in any other
 * template each value is URI-component-encoded, so it cannot change the link's scheme, host or path structure.
 * Either way the result must pass {@link isSafeLink}, and a placeholder without a value drops the link.
 */
function fillLink(template: string, data: unknown): string | undefined {
  const { parts } = parseTemplate(template);
  let out = '';
  if (parts.length === 1 && typeof parts[0] !== 'string') {
    out = valueAt(data, parts[0]!.path) ?? '';
  } else {
    for (const part of parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      const value = valueAt(data, part.path);
      if (value === undefined) return undefined;
      out += encodeURIComponent(value);
    }
  }
  return isSafeLink(out) ? out : undefined;
}

/** The template of `templates` for `type` and the locale it was picked for. */
export function pickTemplate(templates: DisplayTemplates, type: string, locale?: string | readonly string[]): { template: DisplayTemplate; locale: string } | undefined {
  if (templates === null || typeof templates !== 'object' || !hasOwn(templates, type)) return undefined;
  const set = templates[type];
  if (set === null || typeof set !== 'object') return undefined;
  const key = pickLocale(Object.keys(set), locale);
  const template = key === undefined ? undefined : set[key];
  if (!template || typeof template.title !== 'string') return undefined;
  return { template, locale: key! };
}

/**
 * How `notification` is shown, from its type's template in `templates`, for `locale` (a tag or a preference list;
 * see {@link pickLocale} for the fallback: `de-CH` → `de` → `en` → the first listed).
 *
 * - `title` always: a placeholder without a value renders as nothing (`notify generate` only lets a title use
 *   required fields, so this happens only with data off the contract); an empty result falls back to the type.
 * - `body`, `url`, `icon` only when the template has them and every placeholder in them has a value.
 * - A type without a template (not in this catalog) shows `fallbackTitle` as the title, else its `type`.
 *
 * Values are strings or numbers (`String(n)`), inserted as text; nothing here produces or interprets HTML.
 */
export function renderDisplay(templates: DisplayTemplates, notification: DisplayableNotification, locale?: string | readonly string[], fallbackTitle?: string): DisplayContent {
  const type = String(notification.type);
  const picked = pickTemplate(templates, type, locale);
  if (!picked) return { title: fallbackTitle ?? type };
  const { template } = picked;
  const data = notification.data;
  const content: DisplayContent = { title: fillText(parseTemplate(template.title).parts, data, false) || type };
  if (typeof template.body === 'string') {
    const body = fillText(parseTemplate(template.body).parts, data, true);
    if (body !== undefined) content.body = body;
  }
  for (const key of ['url', 'icon'] as const) {
    const link = typeof template[key] === 'string' ? fillLink(template[key], data) : undefined;
    if (link !== undefined) content[key] = link;
  }
  if (picked.locale !== anyLocale) content.lang = picked.locale;
  return content;
}
