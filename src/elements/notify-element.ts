// The base of the three elements: where they connect (server, token, getToken or a given store), language, theme, messages, renderers.
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { NotifyClientOptions } from '../client/client-options.js';
import type { DisplayTemplates } from '../client/display.js';
import { englishMessages, formatMessage, mergeMessages, type MessageText, type NotifyMessages } from './messages.js';
import { displayContent } from './parts/display-content.js';
import type { InboxSnapshot, InboxStore } from './model/inbox-store.js';
import { acquireInbox, sourceKey } from './model/shared-inbox.js';
import type { ElementRenderers } from './parts/item-view.js';

/** `light`, `dark`, or `auto` (the reader's `prefers-color-scheme`). */
export type NotifyTheme = 'light' | 'dark' | 'auto';

/**
 * A section of the preferences view after the category, type and Web Push switches, rendered with the element, its
 * model and the current snapshot (anything Lit renders): where an app adds switches of its own channels.
 */
export type PreferenceSection = (host: NotifyElement, store: InboxStore, snapshot: InboxSnapshot) => unknown;

/** How long a notice (a failed request) stays, in ms. */
const noticeMs = 8000;
/** How often relative times are refreshed, in ms. */
const tickMs = 30_000;

/**
 * Shared by `<notify-inbox>`, `<notify-feed>` and `<notify-preferences>`. Elements on one page that name the same
 * `server` and credential share one connection. A `store` set as a property (the React provider does) wins over
 * `server` / `token` / `getToken`.
 */
export abstract class NotifyElement extends LitElement {
  static override properties = {
    server: { type: String },
    token: { type: String },
    getToken: { attribute: false },
    lang: { type: String },
    theme: { type: String, reflect: true },
    messages: { attribute: false },
    store: { attribute: false },
    renderers: { attribute: false },
    templates: { attribute: false },
    pageSize: { type: Number, attribute: 'page-size' },
    quiet: { type: Boolean },
    preferenceSections: { attribute: false },
    webPushWorker: { type: String, attribute: 'web-push-worker' },
  };

  /** The notify server's base URL; default: the page's origin. */
  declare server: string | undefined;
  /** A JWT for the user (query parameter `token`); without it and `getToken`, the `auth_token` cookie is the credential. */
  declare token: string | undefined;
  /** Called for a JWT before each connection and before expiry (null: use the cookie). Wins over `token`. */
  declare getToken: NotifyClientOptions['getToken'] | undefined;
  /** The language of the strings, times and templates; default: the nearest `lang` above, then the browser's. */
  declare lang: string;
  declare theme: NotifyTheme | undefined;
  /** An app's messages table (any subset), over the English one. */
  declare messages: Partial<NotifyMessages> | undefined;
  /** A model to show instead of connecting by `server` / `token` (one the app or the React provider made); held (started) while shown. */
  declare store: InboxStore | undefined;
  /** Render functions by notification type, for the item's content; a type without one is shown from its display template. */
  declare renderers: ElementRenderers | undefined;
  /** Display templates to use instead of fetching them from the server (an app's generated `displayTemplates`). */
  declare templates: DisplayTemplates | undefined;
  /** Notifications per page (1–100). Default 20. */
  declare pageSize: number | undefined;
  /** No live-region announcements from this element (another element on the page announces). */
  declare quiet: boolean;
  /** Sections the preferences view shows after its switches (further delivery channels plug in here). */
  declare preferenceSections: readonly PreferenceSection[];
  /**
   * The URL of the app's service worker that shows pushes (notify's `sw.js`, served from the app's origin): with it,
   * the preferences view offers Web Push where the browser and the server can (docs/inbox-component.md).
   */
  declare webPushWorker: string | undefined;

  #held: { key: string | InboxStore; store: InboxStore; release: () => void } | undefined;
  #subscribed: InboxStore | undefined;
  #unsubscribe: (() => void)[] = [];
  #tick: ReturnType<typeof setInterval> | undefined;
  #announcement = '';
  #announceTimer: ReturnType<typeof setTimeout> | undefined;
  #pendingAnnouncements: string[] = [];
  #noticeSeq = 0;
  #noticeUntil = 0;
  #noticeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.quiet = false;
    this.preferenceSections = [];
  }

  /** The model this element shows: the given `store`, or the shared one of its server and credential. */
  get activeStore(): InboxStore | undefined {
    return this.#held?.store;
  }

  /** The client of {@link activeStore} (e.g. for `configure` in demo mode). */
  get client(): InboxStore['client'] | undefined {
    return this.activeStore?.client;
  }

  /** The language in use: `lang`, the nearest `lang` attribute above, the document's, the browser's. */
  get locale(): string {
    return this.lang || this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || navigator.language || 'en';
  }

  get texts(): NotifyMessages {
    return this.messages ? mergeMessages(this.messages) : englishMessages;
  }

  /** A message of the table in use, formatted for {@link locale}. */
  t(key: keyof NotifyMessages, fields?: Record<string, string | number>): string {
    return formatMessage(this.texts[key] as MessageText, this.locale, fields);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#tick = setInterval(() => this.requestUpdate(), tickMs);
    // Re-attached after a move: connect again (what was held was let go in disconnectedCallback).
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#tick);
    clearTimeout(this.#announceTimer);
    clearTimeout(this.#noticeTimer);
    this.#follow(undefined);
    this.#held?.release();
    this.#held = undefined;
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    // Connecting waits for the first update, so properties set right after the element is created or upgraded apply.
    if (!this.isConnected) return;
    const given = this.store;
    const source = { server: this.server, token: this.token, getToken: this.getToken, templates: this.templates, pageSize: this.pageSize };
    const key = given ?? sourceKey(source);
    if (this.#held?.key !== key) {
      const previous = this.#held;
      // A given store is held too (started while shown; it closes once its last holder lets go).
      this.#held = given ? { key, store: given, release: given.retain() } : { key, ...acquireInbox(source) };
      previous?.release();
    }
    this.#follow(this.activeStore);
  }

  /** Subscribes to `store`'s changes (re-rendering) and live notifications (announcing). */
  #follow(store: InboxStore | undefined): void {
    if (store === this.#subscribed) return;
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#subscribed = store;
    if (!store) return;
    this.#unsubscribe.push(
      store.subscribe(() => this.requestUpdate()),
      store.onLive((notifications) => {
        if (this.quiet) return;
        for (const n of notifications) this.#pendingAnnouncements.push(this.titleOf(n));
        // Several at once are one announcement.
        this.#announceTimer ??= setTimeout(() => this.#announce(), 300);
      }),
    );
    this.storeChanged(store);
  }

  /** Called when the element starts following another model. */
  protected storeChanged(_store: InboxStore): void {}

  #announce(): void {
    this.#announceTimer = undefined;
    const titles = this.#pendingAnnouncements.splice(0);
    if (titles.length === 0) return;
    this.#announcement = titles.length === 1 ? this.t('announceOne', { title: titles[0]! }) : this.t('announceMany', { count: titles.length });
    this.requestUpdate();
  }

  /** The title a notification is shown (and announced) with. */
  titleOf(notification: unknown): string {
    const n = notification as { type: string; data?: unknown };
    return displayContent(this.activeStore?.getSnapshot().templates, n, this.locale, this.texts).title;
  }

  /** The polite live region that announces new notifications. */
  protected renderAnnouncer(): TemplateResult {
    return html`<div class="sr-only" role="status" aria-live="polite" aria-atomic="true">${this.#announcement}</div>`;
  }

  /** The last failed request, for {@link noticeMs} after it failed. */
  protected renderNotice(snapshot: InboxSnapshot | undefined): TemplateResult | typeof nothing {
    const notice = snapshot?.notice;
    if (notice && notice.seq !== this.#noticeSeq) {
      this.#noticeSeq = notice.seq;
      this.#noticeUntil = Date.now() + noticeMs;
      clearTimeout(this.#noticeTimer);
      this.#noticeTimer = setTimeout(() => this.requestUpdate(), noticeMs + 50);
    }
    if (notice === undefined || Date.now() >= this.#noticeUntil) return nothing;
    return html`<p class="notice" part="notice" role="alert">${this.t('actionFailed', { action: notice.action, error: notice.error })}</p>`;
  }

  /** The connection state: a dot and its text, `data-state` one of idle, connecting, open, reconnecting, closed, signed-out. */
  protected renderStatus(snapshot: InboxSnapshot | undefined): TemplateResult {
    const { state, text } = this.statusOf(snapshot);
    return html`<span class="status" part="status" data-state=${state}>${text}</span>`;
  }

  /** The connection state as shown: `data-state` and its text. */
  protected statusOf(snapshot: InboxSnapshot | undefined): { state: string; text: string } {
    if (!snapshot) return { state: 'idle', text: this.t('statusIdle') };
    if (snapshot.signedOut) return { state: 'signed-out', text: this.t('statusSignedOut') };
    const texts = { idle: 'statusIdle', connecting: 'statusConnecting', open: 'statusOpen', reconnecting: 'statusReconnecting', closed: 'statusClosed' } as const;
    return { state: snapshot.state, text: this.t(texts[snapshot.state]) };
  }
}
