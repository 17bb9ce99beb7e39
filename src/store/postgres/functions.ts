// Server-side functions of the PostgreSQL store, replaced on every open (they hold code, not data).
import { mutesSql } from '../preference-rows.js';
import { uncategorized } from '../store.js';
import { newEventIdSql } from './webhooks.js';

/**
 * `append_one` is a unicast append in one round trip instead of five (BEGIN, audience lock, user lock, INSERT,
 * COMMIT): called as a single statement it is one transaction, so its locks are held until its COMMIT exactly as
 * before. The ordering rule is unchanged: the id is taken only under the audience lock (shared) and the user's
 * row lock. Answers the new id with `created`, or the id of the first notification with the same idempotency
 * key (`created` false; the caller reads that row). With `p_unless_muted`, a push the user turned off (its category,
 * "general" when it has none, or its type: preferences_off) stores nothing and answers a NULL id. With `p_delivered` (a
 * device of the user is sent it right after), `notification.delivered` is recorded for the webhooks in the same transaction.
 */
export const storedFunctions = (S: string): string => `
-- Its arguments grew (p_unless_muted, then p_delivered): an old signature would stay beside it as an overload.
DROP FUNCTION IF EXISTS ${S}.append_one(text, text, jsonb, text, bigint, text, bigint, text);
DROP FUNCTION IF EXISTS ${S}.append_one(text, text, jsonb, text, bigint, text, bigint, text, boolean);
CREATE OR REPLACE FUNCTION ${S}.append_one(p_user text, p_type text, p_data jsonb, p_category text, p_ts bigint,
  p_key text, p_expires_at bigint, p_lock_key text, p_unless_muted boolean, p_delivered boolean)
RETURNS TABLE (id text, created boolean) LANGUAGE plpgsql AS $fn$
DECLARE
  v_seq bigint;
BEGIN
  IF p_key IS NOT NULL THEN
    SELECT n.seq INTO v_seq FROM ${S}.notifications n WHERE n.user_id = p_user AND n.idempotency_key = p_key;
    IF FOUND THEN
      RETURN QUERY SELECT lpad(v_seq::text, 16, '0'), false;
      RETURN;
    END IF;
  END IF;
  IF p_unless_muted AND EXISTS (SELECT 1 FROM ${S}.preferences_off p WHERE p.user_id = p_user AND ${mutesSql(['all'], `coalesce(p_category, '${uncategorized}')`, 'p_type')}) THEN
    RETURN QUERY SELECT NULL::text, false;
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock_shared(hashtext(p_lock_key));
  INSERT INTO ${S}.users AS u (user_id, known_from)
    VALUES (p_user, (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM ${S}.notification_seq))
    ON CONFLICT (user_id) DO UPDATE SET last_seq = u.last_seq + 1;
  INSERT INTO ${S}.notifications AS n (user_id, topic, seq, type, data, category, ts, idempotency_key, expires_at)
    VALUES (p_user, NULL, nextval('${S}.notification_seq'), p_type, p_data, p_category, p_ts, p_key, p_expires_at)
    ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING n.seq INTO v_seq;
  IF v_seq IS NOT NULL THEN
    IF p_delivered THEN
      INSERT INTO ${S}.webhook_delivered (user_id, seq) VALUES (p_user, v_seq) ON CONFLICT DO NOTHING;
      INSERT INTO ${S}.webhook_outbox (event_id, endpoint_id, type, order_key, data, created_at, next_at, window_start)
        SELECT v.event_id, e.id, 'notification.delivered', p_user, jsonb_strip_nulls(jsonb_build_object('userId', p_user,
          'notificationId', lpad(v_seq::text, 16, '0'), 'notificationType', p_type, 'category', p_category)), p_ts, p_ts, p_ts
        FROM (SELECT ${newEventIdSql} AS event_id) v JOIN ${S}.webhook_endpoints e
          ON e.enabled AND 'notification.delivered' = ANY(e.events);
    END IF;
    RETURN QUERY SELECT lpad(v_seq::text, 16, '0'), true;
    RETURN;
  END IF;
  -- Another node committed the same key while this one waited for the user's lock.
  SELECT n.seq INTO v_seq FROM ${S}.notifications n WHERE n.user_id = p_user AND n.idempotency_key = p_key;
  RETURN QUERY SELECT lpad(v_seq::text, 16, '0'), false;
END
$fn$;`;
