// notify/elements: <notify-inbox>, <notify-feed> and <notify-preferences> on the typed client; importing it defines them.
import { NotifyFeed } from './feed/notify-feed.js';
import { NotifyInbox } from './inbox/notify-inbox.js';
import { NotifyPreferences } from './preferences/notify-preferences.js';

export { NotifyElement } from './notify-element.js';
export type { NotifyTheme, PreferenceSection } from './notify-element.js';
export { NotifyFeed, NotifyInbox, NotifyPreferences };
export { InboxStore } from './model/inbox-store.js';
export type { FeedSnapshot, InboxItem, InboxNotice, InboxSnapshot, InboxStoreOptions, PreferenceChannel, PreferenceGroup } from './model/inbox-store.js';
export { acquireInbox } from './model/shared-inbox.js';
export type { InboxSource } from './model/shared-inbox.js';
export { feedKey, inboxViews } from './model/feed-query.js';
export type { FeedQuery, InboxView, ItemFlags } from './model/feed-query.js';
export { englishMessages, formatMessage, humanize, mergeMessages } from './messages.js';
export type { MessageText, NotifyMessages } from './messages.js';
export { absoluteTime, relativeTime } from './relative-time.js';
export { displayContent } from './parts/display-content.js';
export { itemSlotName, slotRenderer } from './parts/item-view.js';
export type { ElementRenderers, InboxRenderers, ItemRenderer } from './parts/item-view.js';
export type { NotifyOpenDetail } from './parts/list-controller.js';

/** The elements by tag name. */
export const notifyElements = { 'notify-inbox': NotifyInbox, 'notify-feed': NotifyFeed, 'notify-preferences': NotifyPreferences } as const;

// Defined on import (the custom-elements convention), once: a second copy of the module on the page leaves the first.
// Outside a browser (server-side rendering imports) there is no registry, and nothing to define.
if (typeof customElements !== 'undefined') {
  for (const [tag, element] of Object.entries(notifyElements)) {
    if (!customElements.get(tag)) customElements.define(tag, element);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'notify-inbox': NotifyInbox;
    'notify-feed': NotifyFeed;
    'notify-preferences': NotifyPreferences;
  }
  interface HTMLElementEventMap {
    'notify-open': CustomEvent<import('./parts/list-controller.js').NotifyOpenDetail>;
    'notify-toggle': CustomEvent<{ open: boolean }>;
  }
}
