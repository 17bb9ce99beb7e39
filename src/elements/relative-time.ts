// Times as the reader says them: "5 minutes ago" / "vor 5 Minuten" through Intl.RelativeTimeFormat, a date past a week.

const units: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 1000],
  ['minute', 60_000],
  ['hour', 3_600_000],
  ['day', 86_400_000],
];

const formats = new Map<string, Intl.RelativeTimeFormat>();
const dates = new Map<string, Intl.DateTimeFormat>();
const fullDates = new Map<string, Intl.DateTimeFormat>();

function cached<T>(map: Map<string, T>, lang: string, make: (lang: string) => T): T {
  let value = map.get(lang);
  if (!value) {
    try {
      value = make(lang);
    } catch {
      value = make('en');
    }
    map.set(lang, value);
  }
  return value;
}

/**
 * `at` relative to `now` (both epoch ms) in `lang`: "now" under 10 s, then seconds, minutes, hours and days; past 7 days
 * the date itself ("Mar 4"). Rounded towards the past, so a notification never reads newer than it is.
 */
export function relativeTime(at: number, now: number, lang: string): string {
  const diff = at - now;
  const abs = Math.abs(diff);
  if (abs >= 7 * 86_400_000) return cached(dates, lang, (l) => new Intl.DateTimeFormat(l, { month: 'short', day: 'numeric' })).format(at);
  const format = cached(formats, lang, (l) => new Intl.RelativeTimeFormat(l, { numeric: 'auto' }));
  if (abs < 10_000) return format.format(0, 'second');
  let chosen = units[0]!;
  for (const unit of units) if (abs >= unit[1]) chosen = unit;
  const amount = Math.floor(abs / chosen[1]);
  return format.format(diff < 0 ? -amount : amount, chosen[0]);
}

/** The full date and time, for a tooltip. */
export function absoluteTime(at: number, lang: string): string {
  return cached(fullDates, lang, (l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short' })).format(at);
}
