// Generated from asyncapi.yaml by `notify generate`. Do not edit: edit asyncapi.yaml and regenerate.

export interface ConnectionEstablishedMessage {
  type: 'connection_established';
  timestamp: number;
  data: ConnectionEstablishedData;
}

export interface ConnectionEstablishedData {
  userId: string;
  connectionId: string;
  unreadCount: number;
  unseenCount: number;
  resumed: boolean;
  resumeFrom: string;
  heartbeat: Heartbeat;
  webPushPublicKey?: string;
}

export interface Heartbeat {
  pingIntervalMs: number;
  pongTimeoutMs: number;
}

export interface UnreadNotificationsMessage {
  type: 'unread_notifications';
  timestamp: number;
  data: UnreadNotificationsData;
}

export interface UnreadNotificationsData {
  notifications: AnyNotification[];
  unreadCount: number;
  unseenCount: number;
  unseenIds: string[];
  unreadByCategory: Record<string, number>;
  hasMore: boolean;
}

export interface AnyNotification {
  type: string;
  id: string;
  timestamp: number;
  category?: string;
  read?: boolean;
  data: Record<string, any>;
}

export interface NotificationsPageMessage {
  type: 'notifications_page';
  timestamp: number;
  data: NotificationsPageData;
}

export interface NotificationsPageData {
  notifications: AnyNotification[];
  unseenIds: string[];
  nextCursor: string | null;
}

export interface NotificationReadMessage {
  type: 'notification_read';
  timestamp: number;
  data: NotificationReadData;
}

export interface NotificationReadData {
  ids: string[];
  unreadCount: number;
  unseenCount?: number;
}

export interface NotificationStateMessage {
  type: 'notification_state';
  timestamp: number;
  data: NotificationStateData;
}

export interface NotificationStateData {
  ids: string[];
  state: NotificationStateName;
  unreadCount: number;
  unseenCount: number;
}

export type NotificationStateName = "seen" | "archived" | "unarchived" | "deleted";

export interface NotificationsRemovedMessage {
  type: 'notifications_removed';
  timestamp: number;
  data: NotificationsRemovedData;
}

export interface NotificationsRemovedData {
  ids: string[];
  reason: NotificationsRemovedReason;
  unreadCount: number;
  unseenCount: number;
}

export type NotificationsRemovedReason = "expired" | "retracted";

export interface PongMessage {
  type: 'pong';
  timestamp: number;
  data: PongData;
}

export interface PongData {
  
}

export interface TokenRefreshedMessage {
  type: 'token_refreshed';
  timestamp: number;
  data: TokenRefreshedData;
}

export interface TokenRefreshedData {
  expiresAt: string;
}

export interface RequestErrorMessage {
  type: 'request_error';
  timestamp: number;
  data: RequestErrorData;
}

export interface RequestErrorData {
  code: RequestErrorCode;
  message: string;
  action?: string;
}

export type RequestErrorCode = "invalid_json" | "invalid_message" | "unknown_action" | "not_found" | "not_in_demo_mode" | "internal_error";

export interface PreferencesMessage {
  type: 'preferences';
  timestamp: number;
  data: PreferencesData;
}

export interface PreferencesData {
  categories: Record<string, boolean>;
  types: Record<string, boolean>;
  channels: PreferenceChannels;
}

export interface PreferenceChannels {
  webPush: ChannelPreferences;
}

export interface ChannelPreferences {
  categories: Record<string, boolean>;
  types: Record<string, boolean>;
}

export interface WebPushSubscriptionMessage {
  type: 'web_push_subscription';
  timestamp: number;
  data: WebPushSubscriptionData;
}

export interface WebPushSubscriptionData {
  id: string;
  registered: boolean;
}

export interface PingAction {
  action: 'ping';
}

export interface MarkReadAction {
  action: 'mark_read';
  id?: string;
  ids?: string[];
  all?: boolean;
}

export interface AcknowledgeAction {
  action: 'acknowledge';
  id: string;
}

export interface MarkAllReadAction {
  action: 'mark_all_read';
}

export interface MarkSeenAction {
  action: 'mark_seen';
  ids?: string[];
  all?: boolean;
}

export interface ArchiveAction {
  action: 'archive';
  ids?: string[];
  all?: boolean;
}

export interface UnarchiveAction {
  action: 'unarchive';
  ids?: string[];
  all?: boolean;
}

export interface DeleteAction {
  action: 'delete';
  ids?: string[];
  all?: boolean;
}

export interface LoadMoreAction {
  action: 'load_more';
  before?: string;
  limit?: number;
  unread?: boolean;
  archived?: boolean;
  category?: string;
  type?: string;
}

export interface RefreshTokenAction {
  action: 'refresh_token';
  token: string;
}

export interface ConfigureAction {
  action: 'configure';
  frequency: number;
}

export interface GetPreferencesAction {
  action: 'get_preferences';
}

export interface SetPreferencesAction {
  action: 'set_preferences';
  categories?: Record<string, boolean>;
  types?: Record<string, boolean>;
  channels?: PreferenceChannelsChange;
}

export interface PreferenceChannelsChange {
  webPush?: ChannelPreferencesChange;
}

export interface ChannelPreferencesChange {
  categories?: Record<string, boolean>;
  types?: Record<string, boolean>;
}

export interface RegisterWebPushAction {
  action: 'register_web_push';
  subscription: WebPushSubscriptionJson;
}

export interface WebPushSubscriptionJson {
  endpoint: string;
  expirationTime?: number | null;
  keys: WebPushSubscriptionKeys;
}

export interface WebPushSubscriptionKeys {
  p256dh: string;
  auth: string;
}

export interface UnregisterWebPushAction {
  action: 'unregister_web_push';
  id: string;
}

export type PingText = string;

export interface WebhookNotificationDeliveredEvent {
  type: 'notification.delivered';
  timestamp: string;
  data: WebhookNotificationData;
}

export interface WebhookNotificationData {
  userId: string;
  notificationId: string;
  notificationType: string;
  category?: string;
}

export interface WebhookNotificationSeenEvent {
  type: 'notification.seen';
  timestamp: string;
  data: WebhookNotificationStateData;
}

export interface WebhookNotificationStateData {
  userId: string;
  notificationId: string;
  notificationType: string;
  category?: string;
  state: WebhookNotificationState;
}

export interface WebhookNotificationState {
  seen: boolean;
  read: boolean;
  archived: boolean;
  deleted: boolean;
}

export interface WebhookNotificationReadEvent {
  type: 'notification.read';
  timestamp: string;
  data: WebhookNotificationStateData;
}

export interface WebhookNotificationArchivedEvent {
  type: 'notification.archived';
  timestamp: string;
  data: WebhookNotificationStateData;
}

export interface WebhookNotificationUnarchivedEvent {
  type: 'notification.unarchived';
  timestamp: string;
  data: WebhookNotificationStateData;
}

export interface WebhookNotificationDeletedEvent {
  type: 'notification.deleted';
  timestamp: string;
  data: WebhookNotificationStateData;
}

export interface WebhookNotificationExpiredEvent {
  type: 'notification.expired';
  timestamp: string;
  data: WebhookNotificationRemovedData;
}

export interface WebhookNotificationRemovedData {
  notificationId: string;
  notificationType: string;
  category?: string;
  audience: WebhookAudience;
  userId?: string;
  topic?: string;
}

export type WebhookAudience = "user" | "topic" | "broadcast";

export interface WebhookNotificationRetractedEvent {
  type: 'notification.retracted';
  timestamp: string;
  data: WebhookNotificationRemovedData;
}

export interface WebhookPreferencesUpdatedEvent {
  type: 'preferences.updated';
  timestamp: string;
  data: WebhookPreferencesData;
}

export interface WebhookPreferencesData {
  userId: string;
  preferences: PreferencesData;
}

export interface WebhookWebPushFailedEvent {
  type: 'web_push.failed';
  timestamp: string;
  data: WebhookWebPushFailedData;
}

export interface WebhookWebPushFailedData {
  userId: string;
  notificationId: string;
  notificationType: string;
  subscriptionId: string;
  result: WebhookWebPushResult;
  status?: number;
  removed: boolean;
  attempts: number;
}

export type WebhookWebPushResult = "gone" | "too_large" | "rejected" | "failed" | "dropped";

export interface WebhookTestEvent {
  type: 'webhook.test';
  timestamp: string;
  data: WebhookTestData;
}

export interface WebhookTestData {
  endpointId: string;
  message: string;
}

export interface InvitationReceivedNotification {
  type: 'invitation_received';
  id: string;
  timestamp: number;
  category?: string;
  read?: boolean;
  data: InvitationReceivedData;
}

export interface InvitationReceivedData {
  invitationId: string;
  groupId: string;
  groupName: string;
  inviterUsername: string;
}

export interface InvitationAcceptedNotification {
  type: 'invitation_accepted';
  id: string;
  timestamp: number;
  category?: string;
  read?: boolean;
  data: InvitationAcceptedData;
}

export interface InvitationAcceptedData {
  invitationId: string;
  groupId: string;
  groupName: string;
  acceptedByUsername: string;
}

export interface InvitationDeniedNotification {
  type: 'invitation_denied';
  id: string;
  timestamp: number;
  category?: string;
  read?: boolean;
  data: InvitationDeniedData;
}

export interface InvitationDeniedData {
  invitationId: string;
  groupId: string;
  deniedByUsername: string;
}

export interface InfoNotification {
  type: 'info';
  id: string;
  timestamp: number;
  category?: string;
  read?: boolean;
  data: InfoData;
}

export interface InfoData {
  title: string;
  message: string;
  priority: Priority;
}

export type Priority = "low" | "medium" | "high";

export interface WarningNotification {
  type: 'warning';
  id: string;
  timestamp: number;
  category?: string;
  read?: boolean;
  data: WarningData;
}

export interface WarningData {
  title: string;
  message: string;
  actionRequired: boolean;
}

export interface ErrorNotification {
  type: 'error';
  id: string;
  timestamp: number;
  category?: string;
  read?: boolean;
  data: ErrorData;
}

export interface ErrorData {
  title: string;
  message: string;
  errorCode: number;
  retryAllowed: boolean;
}

export interface SuccessNotification {
  type: 'success';
  id: string;
  timestamp: number;
  category?: string;
  read?: boolean;
  data: SuccessData;
}

export interface SuccessData {
  title: string;
  message: string;
  completionTime: string;
}

export interface ProductExpiryNotification {
  type: 'product_expiry';
  id: string;
  timestamp: number;
  category?: string;
  read?: boolean;
  data: ProductExpiryData;
}

export interface ProductExpiryData {
  message: string;
  severity: Severity;
  productName: string;
  expiresAt?: string;
}

export type Severity = "info" | "warning" | "error";
