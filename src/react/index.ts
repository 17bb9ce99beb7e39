// notify/react: the provider, hooks and the inbox elements for React (an optional peer dependency), typed by the app's catalog.
export { NotifyContext, NotifyProvider, useInboxStore } from './context.js';
export type { NotifyConnectionProps, NotifyProviderProps } from './context.js';
export { useNotifications, useNotifyClient, useNotifyStatus, usePreferences, useUnreadCount, useWebPush } from './hooks.js';
export type { NotificationsFilter, NotificationsResult, NotifyStatus, PreferencesResult, WebPushResult } from './hooks.js';
export { Feed, Inbox, Preferences } from './components.js';
export type { ElementProps, InboxProps, ListProps } from './components.js';
export { defineRenderers } from './renderers.js';
export type { CatalogBrand, CompleteRenderers, ReactItemRenderer, ReactRenderers } from './renderers.js';
export type { FeedSnapshot, InboxItem, InboxSnapshot, InboxStore, InboxView, NotifyMessages, NotifyOpenDetail, NotifyTheme } from '../elements/index.js';
