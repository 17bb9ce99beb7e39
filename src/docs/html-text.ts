// Escaping for the single-file HTML docs: text, attributes, inline scripts and styles.

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The contract's prose uses Markdown backticks for code; everything else stays plain text. */
export function inlineHtml(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** Blank-line separated paragraphs → `<p>` elements. */
export function paragraphsHtml(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${inlineHtml(p.replace(/\s*\n\s*/g, ' '))}</p>`)
    .join('\n');
}

/**
 * Makes JavaScript source safe inside `<script>…</script>`. The HTML tokenizer ends the element at the first
 * `</script` and treats `<!--` specially, whatever the JavaScript means. In a minified bundle those sequences occur
 * only inside string, template, regular-expression literals or comments, where `<\/` and `<\x21` mean the same
 * characters, so the rewrite keeps the program's behaviour.
 */
export function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\x21--');
}

/** A JavaScript expression for `value`, safe inside an inline `<script>`. */
export function scriptLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Makes CSS safe inside `<style>…</style>` (`\/` is `/` in CSS strings). */
export function inlineStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}
