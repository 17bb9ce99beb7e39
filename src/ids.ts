// The two identifiers every layer passes around: whose a notification is, and which one it is.

/** A user, as the verified token's subject names it (never taken from the client). */
export type UserId = string;
/** A notification; sorts (as a string) in delivery order per user. */
export type NotificationId = string;
