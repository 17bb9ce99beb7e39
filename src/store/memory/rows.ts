// What the memory store keeps: its rows, schedules, users and per-user states, and how a state change applies.
import type { Notification } from '../../../generated/index.js';
import type { NotificationId, StateChange, TopicName, UserId } from '../store.js';
import type { NewScheduledNotification, ScheduleId } from '../timing.js';

export interface Row {
  id: NotificationId;
  seq: number;
  /** Set for a notification to one user; absent for broadcast and topic notifications (stored once). */
  userId: UserId | undefined;
  topic: TopicName | undefined;
  type: Notification['type'];
  data: Notification['data'];
  category: string | undefined;
  timestamp: number;
  idempotencyKey: string | undefined;
  expiresAt: number | undefined;
  retracted: boolean;
  /** The schedule it was delivered for, if any. */
  scheduleId: ScheduleId | undefined;
}

export interface Schedule {
  input: NewScheduledNotification;
  state: 'pending' | 'delivered' | 'cancelled' | 'expired';
}

export interface State {
  seen: boolean;
  read: boolean;
  archived: boolean;
  deleted: boolean;
}
export const untouched: State = Object.freeze({ seen: false, read: false, archived: false, deleted: false });

/** The state after `change`, or undefined when it changes nothing. */
export function applied(state: State, change: StateChange): State | undefined {
  switch (change) {
    case 'seen':
      return state.seen ? undefined : { ...state, seen: true };
    case 'read':
      return state.read ? undefined : { ...state, read: true, seen: true };
    case 'archive':
      return state.archived ? undefined : { ...state, archived: true };
    case 'unarchive':
      return state.archived ? { ...state, archived: false } : undefined;
    case 'delete':
      return state.deleted ? undefined : { ...state, deleted: true };
  }
}

/** A subscription period: topic notifications with `from < seq <= until` are in the user's feed. */
export interface Membership {
  from: number;
  until: number | undefined;
}

export interface User {
  /** Broadcasts with a larger seq reach the user. */
  knownFrom: number;
  own: Row[];
  byKey: Map<string, Row>;
  /** Per-user state, only where the user changed it. */
  states: Map<NotificationId, State>;
  topics: Map<TopicName, Membership[]>;
}
