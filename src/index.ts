// The package's entry (`import … from 'notify'`): start a server from a typed config (on the built-in catalog or an app's); the public types and error registry.
export { startNotifyServer } from './server.js';
export type { NotifyServer, StartOptions } from './server.js';
export { defaultConfig, makeConfig } from './config.js';
export type { BusUrl, JwtConfig, NotifyConfig, StoreUrl, VapidKeys, WebPushConfig } from './config.js';
export type { WebPushOutcome, WebPushOutcomeListener, WebPushResult, WebPushService } from './web-push/index.js';
export type { ServerContext } from './server-context.js';
export { builtInCatalog } from './catalog/catalog.js';
export type { Catalog } from './catalog/catalog.js';
export { CatalogError, loadCatalog } from './catalog/load-catalog.js';
export { openStore } from './store/index.js';
export type { OpenStoreOptions } from './store/index.js';
export type { AppendResult, NewNotification, NotificationStore, Page, PageFilter, PageQuery, StateChange, StateResult, UnreadSummary } from './store/store.js';
export { openBus } from './bus/index.js';
export type { Bus, BusEnvelope } from './bus/bus.js';
export type { NotificationId, UserId } from './ids.js';
export type { Logger } from './logger.js';
export { NotifyError, closeCodes, errorRegistry } from './errors.js';
export type { CloseCode, ConnectionErrorCode, ErrorCode } from './errors.js';
export { contractCloseCodes } from '../generated/close-codes.js';
export type { CloseAdvice, ContractCloseCode } from '../generated/close-codes.js';
export { clientActions, controlMessageTypes, notificationIdPattern, notificationTypes } from '../generated/index.js';
export type {
  ClientAction,
  ClientMessage,
  ClientMessageByAction,
  ControlMessage,
  ControlMessageByType,
  ControlMessageType,
  Notification,
  NotificationByType,
  NotificationData,
  NotificationType,
  ServerMessage,
  ServerMessageByType,
  ServerMessageType,
} from '../generated/index.js';
