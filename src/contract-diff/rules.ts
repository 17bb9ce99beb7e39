// The diff rules: every kind of contract change, what it does to the set of values, and who that breaks.

/**
 * Who a change breaks. `clients` read what notify sends (server → client frames, pages); `backends` write what
 * notify accepts (push bodies, and the client actions sent over the socket: the producer side of the protocol).
 */
export type Party = 'clients' | 'backends' | 'both' | 'none';

/** What a schema change does to the values the schema accepts. */
export type Effect = 'widens' | 'narrows' | 'changes' | 'none';

/** How a rule decides its party: by the schema's readers and writers (`effect`), or fixed. */
export type RuleVerdict = { effect: Effect } | { party: Party };

export interface Rule {
  verdict: RuleVerdict;
  /** One line for the README table: the change. */
  summary: string;
  /** Why it breaks whom (or nobody), for fixed-party rules; schema rules take their reason from the effect. */
  reason?: string;
}

/** The rule table (docs/app-contract.md mirrors it; a test keeps the two in step). */
export const rules = {
  // ---- schemas (named schemas under components.schemas, and payloads) ----
  'type-narrowed': { verdict: { effect: 'narrows' }, summary: 'a `type` list loses a type' },
  'type-widened': { verdict: { effect: 'widens' }, summary: 'a `type` list gains a type' },
  'type-changed': { verdict: { effect: 'changes' }, summary: '`type` replaced by another' },
  'enum-value-removed': { verdict: { effect: 'narrows' }, summary: 'an enum loses a value' },
  'enum-value-added': { verdict: { effect: 'widens' }, summary: 'an enum gains a value' },
  'enum-added': { verdict: { effect: 'narrows' }, summary: 'a schema gains an `enum`' },
  'enum-removed': { verdict: { effect: 'widens' }, summary: 'a schema loses its `enum`' },
  'const-added': { verdict: { effect: 'narrows' }, summary: 'a schema gains a `const`' },
  'const-removed': { verdict: { effect: 'widens' }, summary: 'a schema loses its `const`' },
  'const-changed': { verdict: { effect: 'changes' }, summary: 'a `const` changes value' },
  'format-added': { verdict: { effect: 'narrows' }, summary: 'a `format` is added' },
  'format-removed': { verdict: { effect: 'widens' }, summary: 'a `format` is removed' },
  'format-changed': { verdict: { effect: 'changes' }, summary: 'a `format` changes (e.g. `date-time` → `date`)' },
  'pattern-added': { verdict: { effect: 'narrows' }, summary: 'a `pattern` is added' },
  'pattern-removed': { verdict: { effect: 'widens' }, summary: 'a `pattern` is removed' },
  'pattern-changed': { verdict: { effect: 'changes' }, summary: 'a `pattern` changes' },
  'bound-tightened': { verdict: { effect: 'narrows' }, summary: 'a bound (`maxLength`, `minimum`, `maxItems`, …) is added or tightened' },
  'bound-loosened': { verdict: { effect: 'widens' }, summary: 'a bound is removed or loosened' },
  'field-added-optional': { verdict: { effect: 'widens' }, summary: 'an object gains an optional field (objects are closed)' },
  'field-added-required': { verdict: { effect: 'changes' }, summary: 'an object gains a required field' },
  'field-removed-optional': { verdict: { effect: 'narrows' }, summary: 'an object loses an optional field' },
  'field-removed-required': { verdict: { effect: 'changes' }, summary: 'an object loses a required field' },
  'field-now-required': { verdict: { effect: 'narrows' }, summary: 'an optional field becomes required' },
  'field-now-optional': { verdict: { effect: 'widens' }, summary: 'a required field becomes optional' },
  'additional-properties-allowed': { verdict: { effect: 'widens' }, summary: 'a closed object is opened (`additionalProperties` no longer false)' },
  'additional-properties-forbidden': { verdict: { effect: 'narrows' }, summary: 'an object is closed (`additionalProperties: false`)' },
  'union-branch-added': { verdict: { effect: 'widens' }, summary: 'a `oneOf`/`anyOf` gains a branch' },
  'union-branch-removed': { verdict: { effect: 'narrows' }, summary: 'a `oneOf`/`anyOf` loses a branch' },
  'ref-replaced': { verdict: { effect: 'none' }, summary: 'a named schema is replaced by an inline copy or another name (what differs is reported in place)' },
  'ref-changed': { verdict: { effect: 'changes' }, summary: 'a field refers to a schema that cannot be compared (missing, or a reference to a reference)' },
  'keyword-changed': { verdict: { effect: 'changes' }, summary: 'any other validation keyword changes (`multipleOf`, `items` as a list, `not`, …)' },
  'docs-changed': { verdict: { effect: 'none' }, summary: '`description`, `title`, `examples`, `default` change' },
  'schema-added': { verdict: { party: 'none' }, summary: 'a named schema is added', reason: 'nothing used it before; a change that starts using it is reported where it is used' },
  'schema-removed': { verdict: { party: 'none' }, summary: 'a named schema is removed', reason: 'a change that stopped using it is reported where it was used' },
  // ---- messages ----
  'notification-type-added': { verdict: { party: 'none' }, summary: 'a notification type is added', reason: 'backends may start pushing it; clients dispatch on `type` and ignore a type they do not know (notify/client does)' },
  'notification-type-removed': { verdict: { party: 'backends' }, summary: 'a notification type is removed', reason: 'a push of it is now refused (422)' },
  'frame-added': { verdict: { party: 'none' }, summary: 'a server → client control frame is added', reason: 'clients ignore a frame type they do not know' },
  'frame-removed': { verdict: { party: 'clients' }, summary: 'a server → client control frame is removed', reason: 'clients that wait for it never get it' },
  'webhook-event-added': { verdict: { party: 'none' }, summary: 'a webhook event type is added', reason: 'an endpoint is sent only the event types it subscribed to' },
  'webhook-event-removed': { verdict: { party: 'clients' }, summary: 'a webhook event type is removed', reason: 'endpoints subscribed to it never get it again (receivers read what notify sends)' },
  'action-added': { verdict: { party: 'none' }, summary: 'a client action is added', reason: 'notify accepts more; nobody has to send it' },
  'action-removed': { verdict: { party: 'backends' }, summary: 'a client action is removed', reason: 'senders of it now get `request_error` `unknown_action`' },
  'payload-schema-changed': { verdict: { effect: 'changes' }, summary: 'a message points at another payload schema' },
  'message-docs-changed': { verdict: { party: 'none' }, summary: 'a message\'s title, summary, description or examples change', reason: 'documentation only' },
  'display-template-changed': {
    verdict: { party: 'none' },
    summary: 'a notification type\'s display templates (`x-notify-display`) are added, removed or changed',
    reason: 'how the type is shown changes, not what is sent: every placeholder is checked against the data schema when generated',
  },
  // ---- protocol ----
  'close-code-added': { verdict: { party: 'clients' }, summary: 'a close code is added', reason: 'clients that handle close codes meet one they do not know' },
  'close-code-removed': { verdict: { party: 'clients' }, summary: 'a close code is removed (or renumbered)', reason: 'clients that handle it never see it; the situation now closes with another code' },
  'close-code-reconnect-changed': { verdict: { party: 'clients' }, summary: 'a close code\'s reconnect advice changes', reason: 'clients reconnect (or give up) where they should not' },
  'close-code-docs-changed': { verdict: { party: 'none' }, summary: 'a close code\'s reason text or description changes', reason: 'clients act on the code, not on its text' },
  'channel-address-changed': { verdict: { party: 'clients' }, summary: 'the channel address (WebSocket path) changes', reason: 'clients connect to the old path and get 404' },
  'security-scheme-added': { verdict: { party: 'none' }, summary: 'a credential (security scheme) is added', reason: 'one more way to authenticate; the old ones still work' },
  'security-scheme-removed': { verdict: { party: 'clients' }, summary: 'a credential (security scheme) is removed', reason: 'clients that authenticate that way are refused' },
  'security-scheme-changed': { verdict: { party: 'clients' }, summary: 'a credential changes type, place or name', reason: 'clients send the credential where it is no longer read' },
  'server-added': { verdict: { party: 'none' }, summary: 'a server is added', reason: 'clients keep using the ones they know' },
  'server-removed': { verdict: { party: 'clients' }, summary: 'a server is removed or its URL changes', reason: 'clients configured with it cannot connect' },
  'version-changed': { verdict: { party: 'none' }, summary: '`info.version` changes', reason: 'a higher major (below 1.0.0: minor) announces breaking changes' },
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof rules;

/** Who reads and who writes a schema (or one field of it). */
export interface Roles {
  /** Clients read it: part of a server → client frame or a page. */
  read: boolean;
  /** Backends write it: part of a push body or a client action. */
  written: boolean;
}

/** The party a schema change breaks, from what it does to the values and who reads or writes them. */
export function partyOf(effect: Effect, roles: Roles): Party {
  const clients = roles.read && (effect === 'widens' || effect === 'changes');
  const backends = roles.written && (effect === 'narrows' || effect === 'changes');
  return clients && backends ? 'both' : clients ? 'clients' : backends ? 'backends' : 'none';
}

/** One line on why a schema change breaks that party, or why it breaks nobody. */
export function schemaReason(effect: Effect, roles: Roles, party: Party): string {
  const refused = 'what backends send is narrowed: input valid before is now refused';
  const strict = 'what clients receive is widened: a client validating against the old contract rejects it (objects are closed)';
  if (party === 'both') return `${refused}; ${strict}`;
  if (party === 'backends') return refused;
  if (party === 'clients') return strict;
  if (effect === 'none') return 'documentation only';
  if (!roles.read && !roles.written) return 'no message uses this schema';
  if (effect === 'narrows') return 'only narrows what notify sends: readers still accept it';
  return 'only widens what notify accepts: senders still send valid input';
}
