// The link rule of display templates: a rendered `url` or `icon` is an http(s) URL or a relative reference, nothing else.

/** Any base with a special scheme: relative references resolve against it to http(s), schemes of their own do not. */
const probeBase = 'https://display.invalid/';
const allowedSchemes = new Set(['http:', 'https:']);

/**
 * True when `value` may be a link target: an absolute `http:`/`https:` URL, or a relative reference (`/orders/1`,
 * `orders/1`, `?tab=2`, `//host/path`), which a page resolves against its own http(s) URL. False for any other
 * scheme (`javascript:`, `data:`, `vbscript:`, `file:`, …), for the empty string, and for text a browser would first
 * clean up (leading or trailing whitespace, control characters, which the URL parser strips or drops and which
 * could otherwise hide a scheme: `" javascript:…"`, `"java\tscript:…"`). The value is never rewritten: what is
 * checked is what the caller uses.
 */
export function isSafeLink(value: string): boolean {
  if (value === '' || value !== value.trim() || /[\u0000-\u001f\u007f]/.test(value)) return false;
  try {
    return allowedSchemes.has(new URL(value, probeBase).protocol);
  } catch {
    return false;
  }
}
