// The elements' icons: inline SVG, decorative (every control that shows one has a text name of its own).
import { svg } from 'lit';

const icon = (path: ReturnType<typeof svg>) => svg`<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">${path}</svg>`;

export const bellIcon = icon(svg`<path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6v-5a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"/>`);
export const checkIcon = icon(svg`<path fill="currentColor" d="M9.55 17.6 4.3 12.35l1.4-1.4 3.85 3.85 8.75-8.75 1.4 1.4Z"/>`);
export const checkAllIcon = icon(svg`<path fill="currentColor" d="m7.05 17.6-5.3-5.3 1.4-1.4 3.9 3.9 1.4 1.4Zm5.65 0-5.3-5.3 1.4-1.4 3.9 3.9 8.5-8.5 1.4 1.4Zm0-5.65-1.4-1.4 5.25-5.25 1.4 1.4Z"/>`);
export const archiveIcon = icon(svg`<path fill="currentColor" d="M5 21a2 2 0 0 1-2-2V6.5L4.85 4h14.3L21 6.5V19a2 2 0 0 1-2 2Zm.4-15h13.2l-.85-1H6.25ZM5 8v11h14V8Zm7 10 4-4-1.4-1.4-1.6 1.6V10h-2v4.2l-1.6-1.6L8 14Z"/>`);
export const unarchiveIcon = icon(svg`<path fill="currentColor" d="M5 21a2 2 0 0 1-2-2V6.5L4.85 4h14.3L21 6.5V19a2 2 0 0 1-2 2Zm.4-15h13.2l-.85-1H6.25ZM5 8v11h14V8Zm6 10h2v-4.2l1.6 1.6L16 14l-4-4-4 4 1.4 1.4 1.6-1.6Z"/>`);
export const deleteIcon = icon(svg`<path fill="currentColor" d="M7 21a2 2 0 0 1-2-2V6H4V4h5V3h6v1h5v2h-1v13a2 2 0 0 1-2 2Zm10-15H7v13h10ZM9 17h2V8H9Zm4 0h2V8h-2Z"/>`);
export const settingsIcon = icon(svg`<path fill="currentColor" d="m9.25 22-.4-3.2a3.8 3.8 0 0 1-.61-.3 8.2 8.2 0 0 1-.56-.37L4.7 19.4l-2.75-4.75 2.58-1.95a2.4 2.4 0 0 1-.03-.34v-.72a2.4 2.4 0 0 1 .03-.34L1.95 9.35 4.7 4.6l2.98 1.27a6.6 6.6 0 0 1 .57-.38 5 5 0 0 1 .6-.3L9.25 2h5.5l.4 3.2a3.8 3.8 0 0 1 .61.3 8.2 8.2 0 0 1 .56.37L19.3 4.6l2.75 4.75-2.58 1.95a2.4 2.4 0 0 1 .03.34v.72a3 3 0 0 1-.05.34l2.58 1.95-2.75 4.75-2.95-1.27a6.6 6.6 0 0 1-.57.38 5 5 0 0 1-.6.3l-.41 3.19Zm2.8-6.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7Z"/>`);
export const backIcon = icon(svg`<path fill="currentColor" d="m12 20-8-8 8-8 1.43 1.4L7.83 11H20v2H7.83l5.6 5.6Z"/>`);
