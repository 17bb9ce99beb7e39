// Which of a type's template locales serves a reader: the requested tag, its shorter forms, its language, `en`, the first.

/** The key of the locale-independent template (a template written without locales); BCP 47's "any language". */
export const anyLocale = '*';

/** The locale every template set is tried in before its first one. */
export const fallbackLocale = 'en';

/** `tag` in BCP 47's canonical case (`de-ch` → `de-CH`), or undefined when it is not a language tag. */
export function canonicalLocale(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** `de-CH-1996` → `de-CH-1996`, `de-CH`, `de`: the tag and each form with its last subtag dropped. */
function truncations(tag: string): string[] {
  const subtags = tag.split('-');
  const out: string[] = [];
  for (let n = subtags.length; n > 0; n--) {
    // A one-letter subtag (an extension or private-use singleton) cannot end a tag.
    if (n < subtags.length && subtags[n - 1]!.length === 1) continue;
    out.push(subtags.slice(0, n).join('-'));
  }
  return out;
}

/**
 * The key of `available` (template locales, in the contract's order) that serves `requested` (one tag or a
 * preference list such as `navigator.languages`). For each requested tag in turn: the tag itself, then each shorter
 * form (`de-CH` → `de`), then any template of the same language (`de` → `de-AT`); after every requested tag: `en`,
 * then the first listed. Tags compare case-insensitively; a requested string that is not a language tag is skipped.
 * Undefined only when `available` is empty.
 */
export function pickLocale(available: readonly string[], requested?: string | readonly string[]): string | undefined {
  const byLower = new Map<string, string>();
  for (const key of available) if (!byLower.has(key.toLowerCase())) byLower.set(key.toLowerCase(), key);
  const wanted = requested === undefined ? [] : typeof requested === 'string' ? [requested] : requested;
  for (const raw of wanted) {
    if (typeof raw !== 'string') continue;
    const tag = canonicalLocale(raw)?.toLowerCase();
    if (!tag) continue;
    for (const form of truncations(tag)) {
      const hit = byLower.get(form);
      if (hit) return hit;
    }
    const language = tag.split('-')[0]!;
    const sameLanguage = available.find((key) => key.toLowerCase().split('-')[0] === language);
    if (sameLanguage) return sameLanguage;
  }
  return byLower.get(fallbackLocale) ?? available[0];
}
