// The notify client library (`notify/client`): typed events, requests, reconnect and resume; no Node imports.
export { NotifyClient, createNotifyClient } from './client.js';
export type { ConnectionState, DisconnectInfo, NotifyClientEvents, NotifyClientOptions } from './client.js';
export type { DisableWebPushOptions, EnableWebPushOptions, WebPushEnabled, WebPushStatus } from './web-push.js';
export type { BuiltInCatalog, CatalogFrame, CatalogNotification, CatalogServerMessage, CatalogServerMessageByType, CatalogShape } from './catalog-types.js';
export { NotifyClientError } from './errors.js';
export type { NotifyClientErrorCode } from './errors.js';
export { backoffCeilingMs, backoffDelayMs, defaultBackoff, restartDelayMs } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { closeAdvice } from './close-codes.js';
export type { CloseAdvice } from './close-codes.js';
export { decodeJwtTimes, refreshDelayMs } from './jwt-expiry.js';
export { httpBaseUrl, notificationsPath, webSocketEndpoint } from './endpoint.js';
export { renderDisplay, pickTemplate } from './display.js';
export type { DisplayContent, DisplayTemplate, DisplayTemplateSet, DisplayTemplates, DisplayableNotification } from './display.js';
export { displayTemplatesPath, fetchDisplayTemplates, isDisplayTemplates } from './display-fetch.js';
export { anyLocale, pickLocale } from './display-locale.js';
export { isSafeLink } from './display-link.js';
export { literalTemplate, parseTemplate } from './display-template.js';
export type { ParsedTemplate, TemplatePart } from './display-template.js';
export type { Unsubscribe } from './emitter.js';
export type { WebSocketConstructor, WebSocketLike } from './websocket-like.js';
export type {
  ClientMessage,
  ConnectionEstablishedMessage,
  Notification,
  NotificationByType,
  NotificationReadMessage,
  NotificationsPageMessage,
  NotificationType,
  PongMessage,
  PreferencesMessage,
  RequestErrorMessage,
  ServerMessage,
  ServerMessageByType,
  ServerMessageType,
  TokenRefreshedMessage,
  UnreadNotificationsMessage,
  WebPushSubscriptionMessage,
} from '../../generated/index.js';
