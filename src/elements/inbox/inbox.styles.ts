// `<notify-inbox>`'s own styles: the bell, its badge and the panel it opens.
import { css } from 'lit';

export const inboxStyles = css`
  :host {
    display: inline-block;
    position: relative;
  }
  .bell {
    position: relative;
    display: inline-grid;
    place-items: center;
    width: var(--notify-bell-size, 40px);
    height: var(--notify-bell-size, 40px);
    border: 1px solid var(--_border);
    border-radius: 50%;
    background: var(--_bg);
    color: var(--_text);
    cursor: pointer;
  }
  .bell:hover {
    background: var(--_surface);
  }
  .bell svg {
    width: 22px;
    height: 22px;
  }
  .badge {
    position: absolute;
    top: -4px;
    right: -6px;
    min-width: 18px;
    height: 18px;
    padding: 0 5px;
    box-sizing: border-box;
    border-radius: 9px;
    background: var(--_badge);
    color: var(--_badge-text);
    font-size: 11px;
    font-weight: 700;
    line-height: 18px;
    text-align: center;
  }
  .panel {
    position: absolute;
    top: calc(100% + 8px);
    right: 0;
    z-index: var(--notify-z-index, 1000);
    display: flex;
    flex-direction: column;
    width: var(--notify-panel-width, 380px);
    max-width: calc(100vw - 16px);
    max-height: var(--notify-panel-max-height, min(560px, 80vh));
    background: var(--_bg);
    color: var(--_text);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
    overflow: hidden;
  }
  .panel[data-align='start'] {
    right: auto;
    left: 0;
  }
  .panel[hidden] {
    display: none;
  }
  .header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 10px 8px 6px 12px;
  }
  .heading {
    margin: 0;
    font-size: 1.05em;
  }
  .spacer {
    flex: 1;
  }
  .scroll {
    flex: 1;
    overflow-y: auto;
    overscroll-behavior: contain;
  }
`;
