// The elements' strings and times: plural forms per language, `{name}` fields, the app's table over English, relative times.
import { describe, expect, it } from 'vitest';
import { englishMessages, formatMessage, humanize, mergeMessages } from '../../src/elements/messages.js';
import { relativeTime } from '../../src/elements/relative-time.js';

describe('formatMessage', () => {
  it("picks the plural form of the reader's language and fills the fields", () => {
    const many = { one: '{count} new notification', other: '{count} new notifications' };
    expect(formatMessage(many, 'en', { count: 1 })).toBe('1 new notification');
    expect(formatMessage(many, 'en', { count: 3 })).toBe('3 new notifications');
    // Polish has "few" and "many"; a table without them falls back to "other".
    const polish = { one: '{count} powiadomienie', few: '{count} powiadomienia', many: '{count} powiadomień', other: '{count} powiadomienia' };
    expect([1, 3, 5, 22].map((count) => formatMessage(polish, 'pl', { count }))).toEqual(['1 powiadomienie', '3 powiadomienia', '5 powiadomień', '22 powiadomienia']);
    expect(formatMessage(many, 'pl', { count: 5 })).toBe('5 new notifications');
    expect(formatMessage('New notification: {title}', 'en', { title: '<b>x</b>' })).toBe('New notification: <b>x</b>');
    expect(formatMessage('Keeps {unknown} fields', 'en', {})).toBe('Keeps {unknown} fields');
    expect(formatMessage(many, 'not a language tag', { count: 2 })).toBe('2 new notifications');
  });

  it("lays an app's table over the English one, label maps name by name", () => {
    const merged = mergeMessages({ tabAll: 'Alle', typeLabels: { info: 'Hinweis' } });
    expect(merged.tabAll).toBe('Alle');
    expect(merged.tabUnread).toBe(englishMessages.tabUnread);
    expect(merged.typeLabels).toEqual({ info: 'Hinweis' });
    expect(mergeMessages(undefined)).toBe(englishMessages);
  });

  it('humanizes type and category names', () => {
    expect(humanize('invitation_received')).toBe('Invitation received');
    expect(humanize('inviterUsername')).toBe('Inviter username');
    expect(humanize('general')).toBe('General');
  });
});

describe('relativeTime', () => {
  const now = Date.UTC(2026, 2, 10, 12, 0, 0);
  it('says now, seconds, minutes, hours and days in the language asked, rounding towards the past', () => {
    expect(relativeTime(now - 3000, now, 'en')).toBe('now');
    expect(relativeTime(now - 45_000, now, 'en')).toBe('45 seconds ago');
    expect(relativeTime(now - 6 * 60_000 - 50_000, now, 'en')).toBe('6 minutes ago');
    expect(relativeTime(now - 6 * 60_000, now, 'de')).toBe('vor 6 Minuten');
    expect(relativeTime(now - 3_600_000, now, 'de')).toBe('vor 1 Stunde');
    expect(relativeTime(now - 86_400_000, now, 'en')).toBe('yesterday');
    expect(relativeTime(now - 3 * 86_400_000, now, 'en')).toBe('3 days ago');
    expect(relativeTime(now + 2 * 3_600_000, now, 'en')).toBe('in 2 hours');
  });

  it('gives the date past a week', () => {
    expect(relativeTime(Date.UTC(2026, 1, 20, 12), now, 'en')).toBe('Feb 20');
    expect(relativeTime(Date.UTC(2026, 1, 20, 12), now, 'de')).toBe('20. Feb.');
  });
});
