// The elements' user-facing strings: the English table built in, an app's own table over it, plurals and `{name}` fields.

/** A message: one text, or one per plural category of the reader's language (`Intl.PluralRules`; `other` is required). */
export type MessageText = string | { readonly zero?: string; readonly one?: string; readonly two?: string; readonly few?: string; readonly many?: string; readonly other: string };

/** Every string the elements show or announce. `{count}`, `{title}`, `{error}`, `{action}` are filled in where named. */
export interface NotifyMessages {
  /** The bell's accessible name with unread notifications (`{count}`); without any: {@link NotifyMessages.bellLabelNone}. */
  bellLabel: MessageText;
  bellLabelNone: string;
  /** The badge text above 99. */
  badgeOverflow: string;
  panelTitle: string;
  tabsLabel: string;
  tabUnread: string;
  tabAll: string;
  tabArchived: string;
  markAllRead: string;
  markRead: string;
  archive: string;
  unarchive: string;
  delete: string;
  /** The item's state for screen readers, before its title. */
  unreadItem: string;
  emptyUnread: string;
  emptyAll: string;
  emptyArchived: string;
  loading: string;
  loadMore: string;
  /** A request failed: `{action}` (one of the action names above) and `{error}`. */
  actionFailed: string;
  loadFailed: string;
  retry: string;
  statusIdle: string;
  statusConnecting: string;
  statusOpen: string;
  statusReconnecting: string;
  statusClosed: string;
  statusSignedOut: string;
  preferences: string;
  preferencesTitle: string;
  preferencesHint: string;
  preferencesCategories: string;
  preferencesTypes: string;
  preferencesLoading: string;
  /** The Web Push section (shown where the element names a service worker and the browser and server can push). */
  webPushTitle: string;
  /** This browser's switch. */
  webPushDevice: string;
  webPushHint: string;
  /** Instead of the hint when the user blocked notifications for the site. */
  webPushBlocked: string;
  webPushCategories: string;
  webPushTypes: string;
  back: string;
  /** Announced (polite live region) when one notification arrives: `{title}`. */
  announceOne: string;
  /** Announced when several arrive together: `{count}`. */
  announceMany: MessageText;
  /** Labels of categories and notification types by name; a name without one is shown humanized (`order_shipped` → "Order shipped"). */
  categoryLabels: Readonly<Record<string, string>>;
  typeLabels: Readonly<Record<string, string>>;
}

/** The built-in table (English). */
export const englishMessages: NotifyMessages = {
  bellLabel: { one: 'Notifications, {count} unread', other: 'Notifications, {count} unread' },
  bellLabelNone: 'Notifications',
  badgeOverflow: '99+',
  panelTitle: 'Notifications',
  tabsLabel: 'Which notifications',
  tabUnread: 'Unread',
  tabAll: 'All',
  tabArchived: 'Archived',
  markAllRead: 'Mark all as read',
  markRead: 'Mark as read',
  archive: 'Archive',
  unarchive: 'Unarchive',
  delete: 'Delete',
  unreadItem: 'Unread',
  emptyUnread: 'You are all caught up.',
  emptyAll: 'No notifications yet.',
  emptyArchived: 'Nothing archived.',
  loading: 'Loading…',
  loadMore: 'Load more',
  actionFailed: 'Could not {action}: {error}',
  loadFailed: 'Could not load notifications: {error}',
  retry: 'Retry',
  statusIdle: 'Starting…',
  statusConnecting: 'Connecting…',
  statusOpen: 'Connected',
  statusReconnecting: 'Reconnecting…',
  statusClosed: 'Offline',
  statusSignedOut: 'Not signed in',
  preferences: 'Preferences',
  preferencesTitle: 'Notification preferences',
  preferencesHint: 'Switched off: neither stored nor delivered to you, on any device (critical notifications still are).',
  preferencesCategories: 'Categories',
  preferencesTypes: 'Notification types',
  preferencesLoading: 'Loading preferences…',
  webPushTitle: 'Push notifications',
  webPushDevice: 'On this device',
  webPushHint: 'Shown by this browser while the app is closed.',
  webPushBlocked: 'Notifications are blocked for this site in the browser settings.',
  webPushCategories: 'Push: categories',
  webPushTypes: 'Push: notification types',
  back: 'Back',
  announceOne: 'New notification: {title}',
  announceMany: { one: '{count} new notification', other: '{count} new notifications' },
  categoryLabels: {},
  typeLabels: {},
};

/** The built-in table with an app's (partial) table over it; label maps merge name by name. */
export function mergeMessages(own: Partial<NotifyMessages> | undefined): NotifyMessages {
  if (!own) return englishMessages;
  return {
    ...englishMessages,
    ...own,
    categoryLabels: { ...englishMessages.categoryLabels, ...own.categoryLabels },
    typeLabels: { ...englishMessages.typeLabels, ...own.typeLabels },
  };
}

const pluralRules = new Map<string, Intl.PluralRules>();

function pluralCategory(lang: string, count: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(lang);
  if (!rules) {
    try {
      rules = new Intl.PluralRules(lang);
    } catch {
      rules = new Intl.PluralRules('en');
    }
    pluralRules.set(lang, rules);
  }
  return rules.select(count);
}

/** The text of `message` for `lang`, its plural form chosen by `fields.count`, with `{name}` replaced by `fields[name]`. */
export function formatMessage(message: MessageText, lang: string, fields: Readonly<Record<string, string | number>> = {}): string {
  let text: string;
  if (typeof message === 'string') text = message;
  else {
    const count = typeof fields['count'] === 'number' ? fields['count'] : Number(fields['count']);
    text = (Number.isFinite(count) ? message[pluralCategory(lang, count)] : undefined) ?? message.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.prototype.hasOwnProperty.call(fields, name) ? String(fields[name]) : whole));
}

/** `invitation_received` → "Invitation received"; `inviterUsername` → "Inviter username". */
export function humanize(name: string): string {
  const words = name.replace(/[_-]/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
