// Token lifetimes as people write them (`1h`, `30m`); apart from mint-token so the command line can parse
// them without loading jose.

/** `1h`, `30m`, `45s`, `2d` or plain seconds → seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new Error(`invalid duration "${text}"; use e.g. 30s, 15m, 1h, 7d`);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
