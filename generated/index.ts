// Generated from asyncapi.yaml by `notify generate`. Do not edit: edit asyncapi.yaml and regenerate.
import type { ErrorObject } from 'ajv';
import type * as M from './models.js';
import * as v from './validators.js';

export type * from './models.js';
export { display, displayTemplates } from './display.js';
export type { DisplayInput } from './display.js';

/** A precompiled validator: a type guard that leaves its errors (JSON pointer + message) on `.errors`. */
export interface Validator<T> {
  (data: unknown): data is T;
  errors?: ErrorObject[] | null;
}

export type NotificationType = (typeof notificationTypes)[number];
/** A category the catalog declares (`info.x-notify-categories`, "general" always): the only ones a push may carry. */
export type NotificationCategory = (typeof notificationCategories)[number];
/** When a notification type also goes out as Web Push (`x-notify-web-push`). */
export type WebPushMode = 'offline' | 'always' | 'never';
/** A model whose `category` is one of the catalog's. */
type WithCatalogCategory<N> = N extends { category?: unknown } ? Omit<N, 'category'> & { category?: NotificationCategory } : N;
export type Notification = WithCatalogCategory<M.InvitationReceivedNotification> | WithCatalogCategory<M.InvitationAcceptedNotification> | WithCatalogCategory<M.InvitationDeniedNotification> | WithCatalogCategory<M.InfoNotification> | WithCatalogCategory<M.WarningNotification> | WithCatalogCategory<M.ErrorNotification> | WithCatalogCategory<M.SuccessNotification> | WithCatalogCategory<M.ProductExpiryNotification>;
export interface NotificationByType {
  "invitation_received": WithCatalogCategory<M.InvitationReceivedNotification>;
  "invitation_accepted": WithCatalogCategory<M.InvitationAcceptedNotification>;
  "invitation_denied": WithCatalogCategory<M.InvitationDeniedNotification>;
  "info": WithCatalogCategory<M.InfoNotification>;
  "warning": WithCatalogCategory<M.WarningNotification>;
  "error": WithCatalogCategory<M.ErrorNotification>;
  "success": WithCatalogCategory<M.SuccessNotification>;
  "product_expiry": WithCatalogCategory<M.ProductExpiryNotification>;
}
export type NotificationData<T extends NotificationType = NotificationType> = NotificationByType[T]['data'];

/** The protocol's frames carry notifications of any catalog; here they carry this catalog's. */
type WithCatalogNotifications<F> = F extends { data: { notifications: unknown[] } }
  ? Omit<F, 'data'> & { data: Omit<F['data'], 'notifications'> & { notifications: Notification[] } }
  : F;
export type ConnectionEstablishedMessage = WithCatalogNotifications<M.ConnectionEstablishedMessage>;
export type UnreadNotificationsMessage = WithCatalogNotifications<M.UnreadNotificationsMessage>;
export type NotificationsPageMessage = WithCatalogNotifications<M.NotificationsPageMessage>;
export type NotificationReadMessage = WithCatalogNotifications<M.NotificationReadMessage>;
export type NotificationStateMessage = WithCatalogNotifications<M.NotificationStateMessage>;
export type NotificationsRemovedMessage = WithCatalogNotifications<M.NotificationsRemovedMessage>;
export type PongMessage = WithCatalogNotifications<M.PongMessage>;
export type TokenRefreshedMessage = WithCatalogNotifications<M.TokenRefreshedMessage>;
export type RequestErrorMessage = WithCatalogNotifications<M.RequestErrorMessage>;
export type PreferencesMessage = WithCatalogNotifications<M.PreferencesMessage>;
export type WebPushSubscriptionMessage = WithCatalogNotifications<M.WebPushSubscriptionMessage>;

export type ControlMessageType = (typeof controlMessageTypes)[number];
export type ControlMessage = ConnectionEstablishedMessage | UnreadNotificationsMessage | NotificationsPageMessage | NotificationReadMessage | NotificationStateMessage | NotificationsRemovedMessage | PongMessage | TokenRefreshedMessage | RequestErrorMessage | PreferencesMessage | WebPushSubscriptionMessage;
export interface ControlMessageByType {
  "connection_established": ConnectionEstablishedMessage;
  "unread_notifications": UnreadNotificationsMessage;
  "notifications_page": NotificationsPageMessage;
  "notification_read": NotificationReadMessage;
  "notification_state": NotificationStateMessage;
  "notifications_removed": NotificationsRemovedMessage;
  "pong": PongMessage;
  "token_refreshed": TokenRefreshedMessage;
  "request_error": RequestErrorMessage;
  "preferences": PreferencesMessage;
  "web_push_subscription": WebPushSubscriptionMessage;
}

export type ServerMessage = Notification | ControlMessage;
export type ServerMessageType = ServerMessage['type'];
export type ServerMessageByType = NotificationByType & ControlMessageByType;

export type ClientAction = (typeof clientActions)[number];
export type ClientMessage = M.PingAction | M.MarkReadAction | M.AcknowledgeAction | M.MarkAllReadAction | M.MarkSeenAction | M.ArchiveAction | M.UnarchiveAction | M.DeleteAction | M.LoadMoreAction | M.RefreshTokenAction | M.ConfigureAction | M.GetPreferencesAction | M.SetPreferencesAction | M.RegisterWebPushAction | M.UnregisterWebPushAction;
export interface ClientMessageByAction {
  "ping": M.PingAction;
  "mark_read": M.MarkReadAction;
  "acknowledge": M.AcknowledgeAction;
  "mark_all_read": M.MarkAllReadAction;
  "mark_seen": M.MarkSeenAction;
  "archive": M.ArchiveAction;
  "unarchive": M.UnarchiveAction;
  "delete": M.DeleteAction;
  "load_more": M.LoadMoreAction;
  "refresh_token": M.RefreshTokenAction;
  "configure": M.ConfigureAction;
  "get_preferences": M.GetPreferencesAction;
  "set_preferences": M.SetPreferencesAction;
  "register_web_push": M.RegisterWebPushAction;
  "unregister_web_push": M.UnregisterWebPushAction;
}
export type ClientTextFrame = (typeof clientTextFrames)[number];

export type WebhookEventType = (typeof webhookEventTypes)[number];
/** An event notify POSTs to the app's backend (the body of a webhook request). */
export type WebhookEvent = M.WebhookNotificationDeliveredEvent | M.WebhookNotificationSeenEvent | M.WebhookNotificationReadEvent | M.WebhookNotificationArchivedEvent | M.WebhookNotificationUnarchivedEvent | M.WebhookNotificationDeletedEvent | M.WebhookNotificationExpiredEvent | M.WebhookNotificationRetractedEvent | M.WebhookPreferencesUpdatedEvent | M.WebhookWebPushFailedEvent | M.WebhookTestEvent;
export interface WebhookEventByType {
  "notification.delivered": M.WebhookNotificationDeliveredEvent;
  "notification.seen": M.WebhookNotificationSeenEvent;
  "notification.read": M.WebhookNotificationReadEvent;
  "notification.archived": M.WebhookNotificationArchivedEvent;
  "notification.unarchived": M.WebhookNotificationUnarchivedEvent;
  "notification.deleted": M.WebhookNotificationDeletedEvent;
  "notification.expired": M.WebhookNotificationExpiredEvent;
  "notification.retracted": M.WebhookNotificationRetractedEvent;
  "preferences.updated": M.WebhookPreferencesUpdatedEvent;
  "web_push.failed": M.WebhookWebPushFailedEvent;
  "webhook.test": M.WebhookTestEvent;
}

/** This contract's catalog, for `createNotifyClient<Catalog>()` from `notify/client`. */
export interface Catalog {
  notifications: NotificationByType;
}

/** sha256 of the contract and every file it references (the protocol): `notify serve` refuses stale output. */
export const contractHash: "sha256:d3b3f66bd585f96cbc0324cf9503ebb76042db053887c47f60ae2869911df613" = "sha256:d3b3f66bd585f96cbc0324cf9503ebb76042db053887c47f60ae2869911df613";

/** Every notification `type`, in contract order. */
export const notificationTypes: readonly ["invitation_received", "invitation_accepted", "invitation_denied", "info", "warning", "error", "success", "product_expiry"] = ["invitation_received", "invitation_accepted", "invitation_denied", "info", "warning", "error", "success", "product_expiry"];

/** The categories pushes may carry and users may turn off in their preferences (`info.x-notify-categories`, "general" always), sorted. */
export const notificationCategories: readonly ["general","invitations","products","system"] = ["general","invitations","products","system"];

/** When each notification type also goes out as Web Push (`x-notify-web-push`, default `offline`). */
export const notificationWebPush: { readonly [K in NotificationType]: WebPushMode } = {
  "invitation_received": "offline",
  "invitation_accepted": "offline",
  "invitation_denied": "offline",
  "info": "offline",
  "warning": "offline",
  "error": "always",
  "success": "never",
  "product_expiry": "offline",
};

/** Every server → client message `type` that is not a notification. */
export const controlMessageTypes: readonly ["connection_established", "unread_notifications", "notifications_page", "notification_read", "notification_state", "notifications_removed", "pong", "token_refreshed", "request_error", "preferences", "web_push_subscription"] = ["connection_established", "unread_notifications", "notifications_page", "notification_read", "notification_state", "notifications_removed", "pong", "token_refreshed", "request_error", "preferences", "web_push_subscription"];

/** Every client → server `action`. */
export const clientActions: readonly ["ping", "mark_read", "acknowledge", "mark_all_read", "mark_seen", "archive", "unarchive", "delete", "load_more", "refresh_token", "configure", "get_preferences", "set_preferences", "register_web_push", "unregister_web_push"] = ["ping", "mark_read", "acknowledge", "mark_all_read", "mark_seen", "archive", "unarchive", "delete", "load_more", "refresh_token", "configure", "get_preferences", "set_preferences", "register_web_push", "unregister_web_push"];

/** Bare text frames a client may send instead of JSON. */
export const clientTextFrames: readonly ["PING"] = ["PING"];

/** Every webhook event `type` notify POSTs to an endpoint, in contract order. */
export const webhookEventTypes: readonly ["notification.delivered", "notification.seen", "notification.read", "notification.archived", "notification.unarchived", "notification.deleted", "notification.expired", "notification.retracted", "preferences.updated", "web_push.failed", "webhook.test"] = ["notification.delivered", "notification.seen", "notification.read", "notification.archived", "notification.unarchived", "notification.deleted", "notification.expired", "notification.retracted", "preferences.updated", "web_push.failed", "webhook.test"];

export const notificationValidators: { readonly [K in NotificationType]: Validator<NotificationByType[K]> } = {
  "invitation_received": v.validateInvitationReceived as unknown as Validator<WithCatalogCategory<M.InvitationReceivedNotification>>,
  "invitation_accepted": v.validateInvitationAccepted as unknown as Validator<WithCatalogCategory<M.InvitationAcceptedNotification>>,
  "invitation_denied": v.validateInvitationDenied as unknown as Validator<WithCatalogCategory<M.InvitationDeniedNotification>>,
  "info": v.validateInfo as unknown as Validator<WithCatalogCategory<M.InfoNotification>>,
  "warning": v.validateWarning as unknown as Validator<WithCatalogCategory<M.WarningNotification>>,
  "error": v.validateError as unknown as Validator<WithCatalogCategory<M.ErrorNotification>>,
  "success": v.validateSuccess as unknown as Validator<WithCatalogCategory<M.SuccessNotification>>,
  "product_expiry": v.validateProductExpiry as unknown as Validator<WithCatalogCategory<M.ProductExpiryNotification>>,
};

/** Validators for the `data` of each notification type (what a backend pushes). */
export const notificationDataValidators: { readonly [K in NotificationType]: Validator<NotificationData<K>> } = {
  "invitation_received": v.validateInvitationReceivedData as unknown as Validator<M.InvitationReceivedData>,
  "invitation_accepted": v.validateInvitationAcceptedData as unknown as Validator<M.InvitationAcceptedData>,
  "invitation_denied": v.validateInvitationDeniedData as unknown as Validator<M.InvitationDeniedData>,
  "info": v.validateInfoData as unknown as Validator<M.InfoData>,
  "warning": v.validateWarningData as unknown as Validator<M.WarningData>,
  "error": v.validateErrorData as unknown as Validator<M.ErrorData>,
  "success": v.validateSuccessData as unknown as Validator<M.SuccessData>,
  "product_expiry": v.validateProductExpiryData as unknown as Validator<M.ProductExpiryData>,
};

export const serverMessageValidators: { readonly [K in ServerMessageType]: Validator<ServerMessageByType[K]> } = {
  ...notificationValidators,
  "connection_established": v.validateConnectionEstablished as unknown as Validator<ConnectionEstablishedMessage>,
  "unread_notifications": v.validateUnreadNotifications as unknown as Validator<UnreadNotificationsMessage>,
  "notifications_page": v.validateNotificationsPage as unknown as Validator<NotificationsPageMessage>,
  "notification_read": v.validateNotificationRead as unknown as Validator<NotificationReadMessage>,
  "notification_state": v.validateNotificationState as unknown as Validator<NotificationStateMessage>,
  "notifications_removed": v.validateNotificationsRemoved as unknown as Validator<NotificationsRemovedMessage>,
  "pong": v.validatePong as unknown as Validator<PongMessage>,
  "token_refreshed": v.validateTokenRefreshed as unknown as Validator<TokenRefreshedMessage>,
  "request_error": v.validateRequestError as unknown as Validator<RequestErrorMessage>,
  "preferences": v.validatePreferences as unknown as Validator<PreferencesMessage>,
  "web_push_subscription": v.validateWebPushSubscription as unknown as Validator<WebPushSubscriptionMessage>,
};

export const clientMessageValidators: { readonly [K in ClientAction]: Validator<ClientMessageByAction[K]> } = {
  "ping": v.validatePing as unknown as Validator<M.PingAction>,
  "mark_read": v.validateMarkRead as unknown as Validator<M.MarkReadAction>,
  "acknowledge": v.validateAcknowledge as unknown as Validator<M.AcknowledgeAction>,
  "mark_all_read": v.validateMarkAllRead as unknown as Validator<M.MarkAllReadAction>,
  "mark_seen": v.validateMarkSeen as unknown as Validator<M.MarkSeenAction>,
  "archive": v.validateArchive as unknown as Validator<M.ArchiveAction>,
  "unarchive": v.validateUnarchive as unknown as Validator<M.UnarchiveAction>,
  "delete": v.validateDelete as unknown as Validator<M.DeleteAction>,
  "load_more": v.validateLoadMore as unknown as Validator<M.LoadMoreAction>,
  "refresh_token": v.validateRefreshToken as unknown as Validator<M.RefreshTokenAction>,
  "configure": v.validateConfigure as unknown as Validator<M.ConfigureAction>,
  "get_preferences": v.validateGetPreferences as unknown as Validator<M.GetPreferencesAction>,
  "set_preferences": v.validateSetPreferences as unknown as Validator<M.SetPreferencesAction>,
  "register_web_push": v.validateRegisterWebPush as unknown as Validator<M.RegisterWebPushAction>,
  "unregister_web_push": v.validateUnregisterWebPush as unknown as Validator<M.UnregisterWebPushAction>,
};

/** Validators for the body of each webhook event (what an endpoint receives, once its signature is verified). */
export const webhookEventValidators: { readonly [K in WebhookEventType]: Validator<WebhookEventByType[K]> } = {
  "notification.delivered": v.validateWebhookNotificationDelivered as unknown as Validator<M.WebhookNotificationDeliveredEvent>,
  "notification.seen": v.validateWebhookNotificationSeen as unknown as Validator<M.WebhookNotificationSeenEvent>,
  "notification.read": v.validateWebhookNotificationRead as unknown as Validator<M.WebhookNotificationReadEvent>,
  "notification.archived": v.validateWebhookNotificationArchived as unknown as Validator<M.WebhookNotificationArchivedEvent>,
  "notification.unarchived": v.validateWebhookNotificationUnarchived as unknown as Validator<M.WebhookNotificationUnarchivedEvent>,
  "notification.deleted": v.validateWebhookNotificationDeleted as unknown as Validator<M.WebhookNotificationDeletedEvent>,
  "notification.expired": v.validateWebhookNotificationExpired as unknown as Validator<M.WebhookNotificationExpiredEvent>,
  "notification.retracted": v.validateWebhookNotificationRetracted as unknown as Validator<M.WebhookNotificationRetractedEvent>,
  "preferences.updated": v.validateWebhookPreferencesUpdated as unknown as Validator<M.WebhookPreferencesUpdatedEvent>,
  "web_push.failed": v.validateWebhookWebPushFailed as unknown as Validator<M.WebhookWebPushFailedEvent>,
  "webhook.test": v.validateWebhookTest as unknown as Validator<M.WebhookTestEvent>,
};

/** The contract's NotificationId pattern (components.schemas.NotificationId). */
export const notificationIdPattern: RegExp = /^[0-9A-Za-z._-]{1,64}$/;

/** The contract's examples of each notification type (valid by test). */
export const notificationExamples: { readonly [K in NotificationType]: readonly NotificationByType[K][] } = {
  "invitation_received": [{"type":"invitation_received","id":"0000000000000001","timestamp":1733644800000,"category":"invitations","read":false,"data":{"invitationId":"550e8400-e29b-41d4-a716-446655440000","groupId":"7c9e6679-7425-40de-944b-e07fc1f90ae7","groupName":"Project Alpha","inviterUsername":"alice"}}],
  "invitation_accepted": [{"type":"invitation_accepted","id":"0000000000000002","timestamp":1733645000000,"category":"invitations","data":{"invitationId":"550e8400-e29b-41d4-a716-446655440000","groupId":"7c9e6679-7425-40de-944b-e07fc1f90ae7","groupName":"Project Alpha","acceptedByUsername":"bob"}}],
  "invitation_denied": [{"type":"invitation_denied","id":"0000000000000003","timestamp":1733645200000,"data":{"invitationId":"550e8400-e29b-41d4-a716-446655440000","groupId":"7c9e6679-7425-40de-944b-e07fc1f90ae7","deniedByUsername":"carol"}}],
  "info": [{"type":"info","id":"0000000000000004","timestamp":1733646000000,"category":"system","read":false,"data":{"title":"Scheduled maintenance","message":"The service will be read-only on Sunday from 02:00 to 03:00 UTC.","priority":"medium"}}],
  "warning": [{"type":"warning","id":"0000000000000005","timestamp":1733646100000,"category":"system","data":{"title":"Storage almost full","message":"You have used 90% of your storage.","actionRequired":true}}],
  "error": [{"type":"error","id":"0000000000000006","timestamp":1733646200000,"data":{"title":"Export failed","message":"The CSV export could not be generated.","errorCode":503,"retryAllowed":true}}],
  "success": [{"type":"success","id":"0000000000000007","timestamp":1733646300000,"data":{"title":"Export ready","message":"Your CSV export is ready to download.","completionTime":"3.25s"}}],
  "product_expiry": [{"type":"product_expiry","id":"0000000000000008","timestamp":1733646400000,"category":"products","data":{"message":"Milk expires tomorrow.","severity":"warning","productName":"Milk","expiresAt":"2024-12-09T08:00:00Z"}}],
};

/** The contract's examples of each webhook event (valid by test). */
export const webhookEventExamples: { readonly [K in WebhookEventType]: readonly WebhookEventByType[K][] } = {
  "notification.delivered": [{"type":"notification.delivered","timestamp":"2026-01-15T09:30:00.000Z","data":{"userId":"u-42","notificationId":"0000000000000007","notificationType":"invitation_received","category":"invitations"}}],
  "notification.seen": [{"type":"notification.seen","timestamp":"2026-01-15T09:30:00.000Z","data":{"userId":"u-42","notificationId":"0000000000000007","notificationType":"invitation_received","category":"invitations","state":{"seen":true,"read":false,"archived":false,"deleted":false}}}],
  "notification.read": [{"type":"notification.read","timestamp":"2026-01-15T09:30:00.000Z","data":{"userId":"u-42","notificationId":"0000000000000007","notificationType":"invitation_received","category":"invitations","state":{"seen":true,"read":true,"archived":false,"deleted":false}}}],
  "notification.archived": [{"type":"notification.archived","timestamp":"2026-01-15T09:30:00.000Z","data":{"userId":"u-42","notificationId":"0000000000000007","notificationType":"invitation_received","category":"invitations","state":{"seen":true,"read":true,"archived":true,"deleted":false}}}],
  "notification.unarchived": [{"type":"notification.unarchived","timestamp":"2026-01-15T09:30:00.000Z","data":{"userId":"u-42","notificationId":"0000000000000007","notificationType":"invitation_received","category":"invitations","state":{"seen":true,"read":true,"archived":false,"deleted":false}}}],
  "notification.deleted": [{"type":"notification.deleted","timestamp":"2026-01-15T09:30:00.000Z","data":{"userId":"u-42","notificationId":"0000000000000007","notificationType":"invitation_received","category":"invitations","state":{"seen":true,"read":false,"archived":false,"deleted":true}}}],
  "notification.expired": [{"type":"notification.expired","timestamp":"2026-01-15T10:00:00.000Z","data":{"notificationId":"0000000000000009","notificationType":"info","audience":"topic","topic":"flash-sales"}}],
  "notification.retracted": [{"type":"notification.retracted","timestamp":"2026-01-15T09:45:00.000Z","data":{"notificationId":"0000000000000007","notificationType":"invitation_received","category":"invitations","audience":"user","userId":"u-42"}}],
  "preferences.updated": [{"type":"preferences.updated","timestamp":"2026-01-15T11:00:00.000Z","data":{"userId":"u-42","preferences":{"categories":{"general":true,"invitations":true,"products":false,"system":true},"types":{"info":true},"channels":{"webPush":{"categories":{"general":true,"invitations":true,"products":false,"system":true},"types":{"info":true}}}}}}],
  "web_push.failed": [{"type":"web_push.failed","timestamp":"2026-01-15T09:31:02.000Z","data":{"userId":"u-42","notificationId":"0000000000000007","notificationType":"invitation_received","subscriptionId":"wps_5d41402abc4b2a76","result":"gone","status":410,"removed":true,"attempts":1}}],
  "webhook.test": [{"type":"webhook.test","timestamp":"2026-01-15T08:00:00.000Z","data":{"endpointId":"whep_3f2c9a51d6e84b0f","message":"Test event from notify"}}],
};
