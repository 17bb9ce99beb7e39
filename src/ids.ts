// The two identifiers every layer passes around: whose a notification is, and which one it is.

/** A user, as the verified token's subject names it (never taken from the client). */
export type UserId = string;
/** A notification; sorts (as a string) in delivery order per user. */
export type NotificationId = string;

/** The longest user id notify accepts (a token's user claim, a route's or a body's user). */
export const maxUserIdLength = 256;
/** The longest idempotency key (the header, or a batch item's field). */
export const maxIdempotencyKeyLength = 200;
/** The most users one push names (`users` of `POST /api/v1/notifications` or of a batch item). */
export const maxUsersPerPush = 1000;

/** True for a user id notify accepts: a string of 1 to {@link maxUserIdLength} characters. */
export const isUserId = (value: unknown): value is UserId => typeof value === 'string' && value.length > 0 && value.length <= maxUserIdLength;
