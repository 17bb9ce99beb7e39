// The elements' styles: theme tokens from documented custom properties (light and dark), and the shared list, item and switch styles.
import { css, unsafeCSS } from 'lit';

/** The dark theme's defaults (each still overridable by its `--notify-*` property), for `theme="dark"` and for `auto` in a dark scheme. */
const darkTokens = unsafeCSS(`
  --_bg: var(--notify-color-background, #1c1e21);
  --_surface: var(--notify-color-surface, #2a2d31);
  --_text: var(--notify-color-text, #e6e8eb);
  --_muted: var(--notify-color-muted, #a9b0b8);
  --_border: var(--notify-color-border, #3d4249);
  --_accent: var(--notify-color-accent, #7ab7ff);
  --_accent-text: var(--notify-color-accent-text, #0b1a2b);
  --_badge: var(--notify-color-badge, #ff7b72);
  --_badge-text: var(--notify-color-badge-text, #1c1e21);
  --_unread: var(--notify-color-unread, #7ab7ff);
  --_unread-bg: var(--notify-color-unread-background, #1d2a3a);
  --_focus: var(--notify-color-focus, #7ab7ff);
  --_ok: var(--notify-color-connected, #56d364);
  --_warn: var(--notify-color-connecting, #e3b341);
  --_off: var(--notify-color-offline, #ff7b72);
  --_shadow: var(--notify-shadow, 0 8px 24px rgb(0 0 0 / 55%));
  color-scheme: dark;
`);

/**
 * Every colour, size and font comes from a `--notify-*` custom property an app may set (on the element or any
 * ancestor), with a light and a dark default. `theme="auto"` follows `prefers-color-scheme`.
 */
export const themeStyles = css`
  :host {
    --_bg: var(--notify-color-background, #ffffff);
    --_surface: var(--notify-color-surface, #f3f4f6);
    --_text: var(--notify-color-text, #1f2328);
    --_muted: var(--notify-color-muted, #57606a);
    --_border: var(--notify-color-border, #d0d7de);
    --_accent: var(--notify-color-accent, #0757b8);
    --_accent-text: var(--notify-color-accent-text, #ffffff);
    --_badge: var(--notify-color-badge, #c4201d);
    --_badge-text: var(--notify-color-badge-text, #ffffff);
    --_unread: var(--notify-color-unread, #0757b8);
    --_unread-bg: var(--notify-color-unread-background, #eef5ff);
    --_focus: var(--notify-color-focus, #0757b8);
    --_ok: var(--notify-color-connected, #1a7f37);
    --_warn: var(--notify-color-connecting, #9a6700);
    --_off: var(--notify-color-offline, #c4201d);
    --_radius: var(--notify-radius, 8px);
    --_shadow: var(--notify-shadow, 0 8px 24px rgb(0 0 0 / 18%));
    color-scheme: light;
    font-family: var(--notify-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--notify-font-size, 14px);
    line-height: 1.4;
    color: var(--_text);
  }
  :host([theme='dark']) {
    ${darkTokens}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${darkTokens}
    }
  }
  :host([hidden]) {
    display: none;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  button {
    font: inherit;
    color: inherit;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .icon-button {
    display: inline-grid;
    place-items: center;
    min-width: 30px;
    min-height: 30px;
    padding: 4px;
    border: 0;
    border-radius: 6px;
    background: transparent;
    color: var(--_muted);
    cursor: pointer;
  }
  .icon-button:hover {
    background: var(--_surface);
    color: var(--_text);
  }
  .text-button {
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: transparent;
    padding: 4px 10px;
    cursor: pointer;
  }
  .text-button:hover {
    background: var(--_surface);
  }
  .text-button[disabled] {
    opacity: 0.6;
    cursor: default;
  }
`;

/** The tabs, the list, its items and the load-more row. */
export const listStyles = css`
  .tabs {
    display: flex;
    gap: 4px;
    padding: 0 12px;
    border-bottom: 1px solid var(--_border);
  }
  [role='tab'] {
    border: 0;
    border-bottom: 2px solid transparent;
    background: transparent;
    padding: 8px 10px;
    cursor: pointer;
    color: var(--_muted);
  }
  [role='tab'][aria-selected='true'] {
    color: var(--_text);
    border-bottom-color: var(--_accent);
    font-weight: 600;
  }
  .list {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .item {
    position: relative;
    display: grid;
    grid-template-columns: 10px 1fr auto;
    gap: 8px;
    padding: 10px 12px;
    border-bottom: 1px solid var(--_border);
    cursor: pointer;
  }
  .item:hover {
    background: var(--_surface);
  }
  .item[data-read='false'] {
    background: var(--_unread-bg);
  }
  .item:focus-visible {
    outline-offset: -2px;
  }
  .dot {
    width: 8px;
    height: 8px;
    margin-top: 6px;
    border-radius: 50%;
  }
  .item[data-read='false'] .dot {
    background: var(--_unread);
  }
  .content {
    min-width: 0;
    display: flex;
    flex-direction: column;
    gap: 2px;
  }
  .title {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .item[data-read='true'] .title {
    font-weight: 500;
  }
  .body {
    overflow-wrap: anywhere;
  }
  .meta {
    color: var(--_muted);
    font-size: 0.86em;
  }
  .actions {
    display: flex;
    align-items: flex-start;
    gap: 2px;
  }
  .empty,
  .more {
    margin: 0;
    padding: 20px 12px;
    text-align: center;
    color: var(--_muted);
  }
  .more {
    padding: 10px 12px;
  }
`;

/** The preference switches. */
export const preferenceStyles = css`
  .preferences {
    padding: 8px 12px 12px;
  }
  .preferences fieldset {
    border: 0;
    margin: 0 0 8px;
    padding: 0;
  }
  .preferences legend {
    font-weight: 600;
    padding: 8px 0 4px;
  }
  .hint {
    color: var(--_muted);
    margin: 4px 0 8px;
    font-size: 0.9em;
  }
  .switch {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
    padding: 6px 0;
    cursor: pointer;
  }
  .switch input {
    appearance: none;
    flex: none;
    position: relative;
    width: 36px;
    height: 20px;
    margin: 0;
    border-radius: 10px;
    background: var(--_muted);
    cursor: pointer;
    transition: background 0.15s;
  }
  .switch input::after {
    content: '';
    position: absolute;
    top: 2px;
    left: 2px;
    width: 16px;
    height: 16px;
    border-radius: 50%;
    background: var(--_bg);
    transition: transform 0.15s;
  }
  .switch input:checked {
    background: var(--_accent);
  }
  .switch input:checked::after {
    transform: translateX(16px);
  }
  .switch input:disabled {
    opacity: 0.6;
    cursor: progress;
  }
`;

/** The connection state and the notice line. */
export const statusStyles = css`
  .status {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    color: var(--_muted);
    font-size: 0.86em;
  }
  .status::before {
    content: '';
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--_warn);
  }
  .status[data-state='open']::before {
    background: var(--_ok);
  }
  .status[data-state='closed']::before,
  .status[data-state='signed-out']::before {
    background: var(--_off);
  }
  .notice {
    margin: 0;
    padding: 8px 12px;
    border-bottom: 1px solid var(--_border);
    color: var(--_text);
    background: var(--_surface);
  }
`;
