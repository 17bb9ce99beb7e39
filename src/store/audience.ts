// Who a shared (broadcast or topic) notification is for; its own module so that store value types can share it.

/** `[A-Za-z0-9._:-]{1,128}` (see `topicPattern`). */
export type TopicName = string;

/** Who a shared notification is for: every known user, or the subscribers of a topic at the time of the push. */
export type SharedAudience = { kind: 'broadcast' } | { kind: 'topic'; topic: TopicName };
