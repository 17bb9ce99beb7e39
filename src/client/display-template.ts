// The syntax of a display template: literal text with `{field}` / `{nested.field}` placeholders over a notification's `data`.

/** A piece of a parsed template: literal text, or a placeholder naming a path into `data`. */
export type TemplatePart = string | { readonly path: readonly string[] };

export interface ParsedTemplate {
  readonly parts: readonly TemplatePart[];
  /** The placeholders of `parts`, as written (`orderId`, `customer.name`), in order. */
  readonly fields: readonly string[];
  /** Why the text is not a well-formed template (the first problem); absent when it is one. */
  readonly error?: string;
}

/** A field name or a dotted path of them: `{orderId}`, `{customer.name}`. */
const placeholderPath = /^[A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*$/;

/** Parsed templates by text: a catalog has a few dozen, rendered again for every notification. */
const parsedCache = new Map<string, ParsedTemplate>();
const parsedCacheLimit = 1000;

function parse(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const fields: string[] = [];
  let error: string | undefined;
  let literal = '';
  const flush = (): void => {
    if (literal) parts.push(literal);
    literal = '';
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '}') {
      if (text[i + 1] === '}') i++;
      else error ??= 'a lone "}" (write "}}" for a literal brace)';
      literal += '}';
      continue;
    }
    if (char !== '{') {
      literal += char;
      continue;
    }
    if (text[i + 1] === '{') {
      literal += '{';
      i++;
      continue;
    }
    const end = text.indexOf('}', i + 1);
    if (end < 0) {
      error ??= `"${text.slice(i)}" has no closing "}" (write "{{" for a literal brace)`;
      literal += text.slice(i);
      break;
    }
    const inner = text.slice(i + 1, end);
    if (!placeholderPath.test(inner)) {
      error ??= `"{${inner}}" is not a placeholder: write a field of data, e.g. {orderId} or {customer.name} ("{{" for a literal brace)`;
      literal += `{${inner}}`;
    } else {
      flush();
      parts.push({ path: inner.split('.') });
      fields.push(inner);
    }
    i = end;
  }
  flush();
  return error === undefined ? { parts, fields } : { parts, fields, error };
}

/**
 * Parses a template. Never throws: a malformed one (checked away by `notify generate`, so only hand-made
 * templates) keeps the text it could not read as literal text and says why in `error`.
 */
export function parseTemplate(text: string): ParsedTemplate {
  let parsed = parsedCache.get(text);
  if (!parsed) {
    if (parsedCache.size >= parsedCacheLimit) parsedCache.clear();
    parsed = parse(text);
    parsedCache.set(text, parsed);
  }
  return parsed;
}

/** `text` as a template that renders exactly `text` (braces doubled). */
export function literalTemplate(text: string): string {
  return text.replace(/[{}]/g, (brace) => brace + brace);
}
