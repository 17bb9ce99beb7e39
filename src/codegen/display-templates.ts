// `x-notify-display` of a notification message: read, every placeholder checked against the type's data schema, normalized.
import type { DisplayTemplate, DisplayTemplateSet } from '../client/display.js';
import { isSafeLink } from '../client/display-link.js';
import { anyLocale, canonicalLocale, pickLocale } from '../client/display-locale.js';
import { literalTemplate, parseTemplate } from '../client/display-template.js';

/** The message extension that holds a type's display templates. */
export const displayExtension = 'x-notify-display';

type Schema = { [key: string]: unknown };

const templateKeys = ['title', 'body', 'url', 'icon'] as const;
type TemplateKey = (typeof templateKeys)[number];
const linkKeys: readonly TemplateKey[] = ['url', 'icon'];
const scalarKinds = new Set(['string', 'number', 'integer']);

const isObject = (value: unknown): value is Schema => value !== null && typeof value === 'object' && !Array.isArray(value);

/** What a notification message's templates are checked against: its name and its `data` schema. */
export interface DisplaySubject {
  /** Component key of the message, e.g. `orderShipped`. */
  key: string;
  /** Its `type`, e.g. `order_shipped`. */
  wireName: string;
  data?: { schema: Schema; schemaName: string };
}

interface FieldLookup {
  schemas: Schema[];
  /** Present whenever its parent is (listed in `required` on every branch that has it). */
  required: boolean;
}

const list = (value: unknown): Schema[] => (Array.isArray(value) ? value.filter(isObject) : []);

/** Where `key` is defined under `schema`: its own properties, `allOf` members, and the branches of `oneOf`/`anyOf`. */
function lookupField(schema: Schema, key: string): FieldLookup {
  const out: FieldLookup = { schemas: [], required: false };
  const properties = schema['properties'];
  if (isObject(properties) && Object.prototype.hasOwnProperty.call(properties, key) && isObject(properties[key])) {
    out.schemas.push(properties[key]);
    out.required = Array.isArray(schema['required']) && schema['required'].includes(key);
  }
  for (const member of list(schema['allOf'])) {
    const found = lookupField(member, key);
    out.schemas.push(...found.schemas);
    out.required ||= found.required;
  }
  const branches = [...list(schema['oneOf']), ...list(schema['anyOf'])];
  if (branches.length) {
    const found = branches.map((branch) => lookupField(branch, key));
    out.schemas.push(...found.flatMap((f) => f.schemas));
    if (found.every((f) => f.required)) out.required = true;
  }
  return out;
}

/** The JSON types a schema admits (`integer` kept apart), from `type`, `const`, `enum` and its sub-schemas. */
function kindsOf(schema: Schema): Set<string> {
  const kinds = new Set<string>();
  const type = schema['type'];
  if (typeof type === 'string') kinds.add(type);
  else if (Array.isArray(type)) for (const t of type) kinds.add(String(t));
  const values = 'const' in schema ? [schema['const']] : Array.isArray(schema['enum']) ? schema['enum'] : [];
  if (typeof type !== 'string' && !Array.isArray(type)) {
    for (const value of values) kinds.add(value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? 'number' : typeof value);
  }
  for (const member of [...list(schema['allOf']), ...list(schema['oneOf']), ...list(schema['anyOf'])]) for (const kind of kindsOf(member)) kinds.add(kind);
  return kinds;
}

interface FieldCheck {
  problem?: string;
  /** Always present when the notification is on-contract. */
  required: boolean;
}

/** Checks that `path` names a string, number or integer field of the data schema. */
function checkField(data: DisplaySubject['data'], path: string): FieldCheck {
  if (!data) return { problem: `{${path}}: this type has no data`, required: false };
  let level: Schema[] = [data.schema];
  let required = true;
  const segments = path.split('.');
  for (const [i, segment] of segments.entries()) {
    const found = level.map((schema) => lookupField(schema, segment));
    const schemas = found.flatMap((f) => f.schemas);
    if (!schemas.length) {
      const parent = segments.slice(0, i).join('.');
      const known = [...new Set(level.flatMap((schema) => fieldNames(schema)))];
      const where = parent ? `${data.schemaName}.${parent}` : data.schemaName;
      return { problem: `{${path}}: ${where} has no field "${segment}"${known.length ? ` (fields: ${known.join(', ')})` : ''}`, required: false };
    }
    required &&= found.every((f) => f.schemas.length === 0 || f.required);
    level = schemas;
  }
  const kinds = new Set(level.flatMap((schema) => [...kindsOf(schema)]));
  if (kinds.has('null')) required = false;
  kinds.delete('null');
  const bad = [...kinds].filter((kind) => !scalarKinds.has(kind));
  if (kinds.size === 0 || bad.length) {
    const what = kinds.size === 0 ? 'of no declared type' : bad.join(' or ');
    return { problem: `{${path}} is ${what}; a placeholder takes a string, number or integer field`, required };
  }
  return { required };
}

function fieldNames(schema: Schema): string[] {
  const own = isObject(schema['properties']) ? Object.keys(schema['properties']) : [];
  return [...own, ...[...list(schema['allOf']), ...list(schema['oneOf']), ...list(schema['anyOf'])].flatMap(fieldNames)];
}

/** Problems of one template string (`title`, `body`, `url` or `icon`), each as text after `where: `. */
function checkTemplateText(key: TemplateKey, text: string, data: DisplaySubject['data']): string[] {
  const parsed = parseTemplate(text);
  if (parsed.error) return [parsed.error];
  const problems: string[] = [];
  for (const field of parsed.fields) {
    const check = checkField(data, field);
    if (check.problem) problems.push(check.problem);
    else if (key === 'title' && !check.required) {
      problems.push(`{${field}} may be absent, and a title must always render whole; use required fields in the title (body, url and icon are left out when a field they use is absent)`);
    }
  }
  if (linkKeys.includes(key) && !(parsed.parts.length === 1 && typeof parsed.parts[0] !== 'string')) {
    // A placeholder inside a longer link is URI-component-encoded, so the literal text decides the scheme.
    const probe = parsed.parts.map((part) => (typeof part === 'string' ? part : 'x')).join('');
    if (!isSafeLink(probe)) problems.push(`"${text}" must render an http(s) URL or a relative path (the rendered link is dropped otherwise)`);
  }
  return problems;
}

/** Reads one template object; `where` names it in problems (`x-notify-display.de`). */
function readTemplate(raw: unknown, where: string, data: DisplaySubject['data'], problems: string[]): DisplayTemplate | undefined {
  if (!isObject(raw)) {
    problems.push(`${where}: must be an object { title, body?, url?, icon? }`);
    return undefined;
  }
  const unknown = Object.keys(raw).filter((key) => !(templateKeys as readonly string[]).includes(key));
  if (unknown.length) problems.push(`${where}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (a template has title, body, url, icon)`);
  const template: Partial<Record<TemplateKey, string>> = {};
  for (const key of templateKeys) {
    const value = raw[key];
    if (value === undefined) {
      if (key === 'title') problems.push(`${where}.title: missing (every template needs a title)`);
      continue;
    }
    if (typeof value !== 'string' || (key === 'title' && value.trim() === '')) {
      problems.push(`${where}.${key}: must be a ${key === 'title' ? 'non-empty ' : ''}string`);
      continue;
    }
    for (const problem of checkTemplateText(key, value, data)) problems.push(`${where}.${key}: ${problem}`);
    template[key] = value;
  }
  return template.title === undefined ? undefined : (template as DisplayTemplate);
}

/**
 * `url` and `icon` rarely depend on the language: a locale's template without them takes them from the locale it
 * would fall back to (see pickLocale), so every locale links the same place unless it says otherwise.
 */
function inheritLinks(set: Record<string, DisplayTemplate>): Record<string, DisplayTemplate> {
  const out: Record<string, DisplayTemplate> = {};
  for (const [locale, template] of Object.entries(set)) {
    const filled: { -readonly [K in TemplateKey]?: string } = { ...template };
    for (const key of linkKeys) {
      let others = Object.keys(set).filter((other) => other !== locale);
      while (filled[key] === undefined && others.length) {
        const next = pickLocale(others, locale)!;
        filled[key] = set[next]![key];
        others = others.filter((other) => other !== next);
      }
    }
    // Key order fixed (title, body, url, icon), so output is the same whatever order the contract wrote them in.
    out[locale] = Object.fromEntries(templateKeys.filter((key) => filled[key] !== undefined).map((key) => [key, filled[key]])) as unknown as DisplayTemplate;
  }
  return out;
}

/**
 * The message's `x-notify-display` (`raw`), checked: `templates` is undefined when it has none. Throws nothing; every
 * problem is returned, each naming the message, the template (locale and key) and the field, beside what could be read.
 */
export function readDisplayTemplates(raw: unknown, subject: DisplaySubject): { templates?: DisplayTemplateSet; problems: string[] } {
  if (raw === undefined) return { problems: [] };
  const problems: string[] = [];
  const where = `message ${subject.wireName} (components.messages.${subject.key}) ${displayExtension}`;
  const set: Record<string, DisplayTemplate> = {};
  if (isObject(raw) && 'title' in raw) {
    const template = readTemplate(raw, where, subject.data, problems);
    if (template) set[anyLocale] = template;
  } else if (isObject(raw) && Object.keys(raw).length > 0) {
    for (const [tag, value] of Object.entries(raw)) {
      const locale = canonicalLocale(tag);
      if (locale === undefined || tag === anyLocale) {
        problems.push(`${where}: "${tag}" is neither a template key (title, body, url, icon) nor a language tag (en, de, de-CH, …)`);
        continue;
      }
      if (Object.prototype.hasOwnProperty.call(set, locale)) {
        problems.push(`${where}: the locale "${tag}" is listed twice (as "${locale}")`);
        continue;
      }
      const template = readTemplate(value, `${where}.${tag}`, subject.data, problems);
      if (template) set[locale] = template;
    }
  } else {
    problems.push(`${where}: must be a template { title, body?, url?, icon? } or templates by locale { en: {…}, de: {…} }`);
  }
  return Object.keys(set).length ? { templates: inheritLinks(set), problems } : { problems };
}

/** The template of a type without `x-notify-display`: its message title, as literal text, for any locale. */
export function defaultDisplayTemplates(title: string): DisplayTemplateSet {
  return { [anyLocale]: { title: literalTemplate(title) } };
}
