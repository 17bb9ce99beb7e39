// Generated from asyncapi.yaml by `notify generate`. Do not edit: edit asyncapi.yaml and regenerate.
import { renderDisplay, type DisplayContent, type DisplayTemplateSet } from '../src/client/display.js';
import type { NotificationByType, NotificationType } from './index.js';

/** A notification of this catalog, or just its `type` and `data` (e.g. a push body). */
export type DisplayInput = { [K in NotificationType]: Pick<NotificationByType[K], 'type' | 'data'> }[NotificationType];

/**
 * How each notification type is shown (the contract's `x-notify-display`), by locale tag in the contract's order;
 * `*` is a template for any locale. Placeholders `{field}` / `{nested.field}` name fields of the type's `data`,
 * all checked by `notify generate`. A server answers the same at `GET /api/v1/display-templates`.
 */
export const displayTemplates: { readonly [K in NotificationType]: DisplayTemplateSet } = {
  "invitation_received": {"en":{"title":"{inviterUsername} invited you to {groupName}","body":"Accept or decline the invitation to join {groupName}."},"de":{"title":"{inviterUsername} hat dich zu {groupName} eingeladen","body":"Nimm die Einladung in {groupName} an oder lehne sie ab."}},
  "invitation_accepted": {"en":{"title":"{acceptedByUsername} joined {groupName}","body":"{acceptedByUsername} accepted your invitation.","url":"/groups/{groupId}"},"de":{"title":"{acceptedByUsername} ist {groupName} beigetreten","body":"{acceptedByUsername} hat deine Einladung angenommen.","url":"/groups/{groupId}"}},
  "invitation_denied": {"en":{"title":"{deniedByUsername} declined your invitation"},"de":{"title":"{deniedByUsername} hat deine Einladung abgelehnt"}},
  "info": {"*":{"title":"{title}","body":"{message}"}},
  "warning": {"*":{"title":"{title}","body":"{message}"}},
  "error": {"en":{"title":"{title}","body":"{message} (error {errorCode})"},"de":{"title":"{title}","body":"{message} (Fehler {errorCode})"}},
  "success": {"en":{"title":"{title}","body":"{message} Took {completionTime}."},"de":{"title":"{title}","body":"{message} Dauer: {completionTime}."}},
  "product_expiry": {"en":{"title":"Expiry notice: {productName}","body":"{message}"},"de":{"title":"Ablaufhinweis: {productName}","body":"{message}"}},
};

/**
 * How `notification` is shown: `{ title, body?, url?, icon?, lang? }`, every string plain text (never HTML),
 * `url` / `icon` only http(s) or relative. `locale` is a tag or a preference list (e.g. `navigator.languages`);
 * it falls back `de-CH` → `de` → `en` → the first locale listed.
 */
export function display(notification: DisplayInput, locale?: string | readonly string[]): DisplayContent {
  return renderDisplay(displayTemplates, notification, locale);
}
