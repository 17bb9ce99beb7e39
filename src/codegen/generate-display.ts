// generated/display: each type's display templates as data, and a typed display() that renders with notify/client's renderer.
import type { DisplayTemplateSet } from '../client/display.js';
import type { ContractModel } from './contract-model.js';
import { defaultDisplayTemplates } from './display-templates.js';
import type { IndexFormat } from './generate-index.js';

export interface DisplayTexts {
  /** `display.ts` (ts) or `display.js` (esm). */
  code: string;
  /** `display.d.ts` (esm only). */
  declarations?: string;
}

/** Every notification type's templates, in contract order; a type without `x-notify-display` shows its message title. */
function displayTemplatesOf(contract: ContractModel): Record<string, DisplayTemplateSet> {
  const out: Record<string, DisplayTemplateSet> = {};
  for (const message of contract.messages) {
    if (message.kind === 'notification') out[message.wireName] = message.display ?? defaultDisplayTemplates(message.title);
  }
  return out;
}

function templatesLiteral(contract: ContractModel): string {
  const entries = Object.entries(displayTemplatesOf(contract)).map(([type, set]) => `  ${JSON.stringify(type)}: ${JSON.stringify(set)},`);
  return entries.length ? `{\n${entries.join('\n')}\n}` : '{}';
}

const templatesDoc = `/**
 * How each notification type is shown (the contract's \`x-notify-display\`), by locale tag in the contract's order;
 * \`*\` is a template for any locale. Placeholders \`{field}\` / \`{nested.field}\` name fields of the type's \`data\`,
 * all checked by \`notify generate\`. A server answers the same at \`GET /api/v1/display-templates\`.
 */`;

const displayDoc = `/**
 * How \`notification\` is shown: \`{ title, body?, url?, icon?, lang? }\`, every string plain text (never HTML),
 * \`url\` / \`icon\` only http(s) or relative. \`locale\` is a tag or a preference list (e.g. \`navigator.languages\`);
 * it falls back \`de-CH\` → \`de\` → \`en\` → the first locale listed.
 */`;

const inputDoc = '/** A notification of this catalog, or just its `type` and `data` (e.g. a push body). */';

/**
 * Renders display.ts (ts: notify's own generated/, importing the renderer from its sources) or display.js with
 * display.d.ts (esm: an app's, importing it from the installed `notify/client`). Browser-safe: no validators.
 */
export function generateDisplay(contract: ContractModel, options: { format: IndexFormat; header: string }): DisplayTexts {
  const literal = templatesLiteral(contract);
  const inputType = `export type DisplayInput = { [K in NotificationType]: Pick<NotificationByType[K], 'type' | 'data'> }[NotificationType];`;
  const templatesType = '{ readonly [K in NotificationType]: DisplayTemplateSet }';
  const signature = 'display(notification: DisplayInput, locale?: string | readonly string[]): DisplayContent';
  if (options.format === 'ts') {
    const code = `${options.header}import { renderDisplay, type DisplayContent, type DisplayTemplateSet } from '../src/client/display.js';
import type { NotificationByType, NotificationType } from './index.js';

${inputDoc}
${inputType}

${templatesDoc}
export const displayTemplates: ${templatesType} = ${literal};

${displayDoc}
export function ${signature} {
  return renderDisplay(displayTemplates, notification, locale);
}
`;
    return { code };
  }
  const code = `${options.header}import { renderDisplay } from 'notify/client';

${templatesDoc}
export const displayTemplates = ${literal};

${displayDoc}
export function display(notification, locale) {
  return renderDisplay(displayTemplates, notification, locale);
}
`;
  const declarations = `${options.header}import type { DisplayContent, DisplayTemplateSet } from 'notify/client';
import type { NotificationByType, NotificationType } from './index.js';

${inputDoc}
${inputType}

${templatesDoc}
export declare const displayTemplates: ${templatesType};

${displayDoc}
export declare function ${signature};
`;
  return { code, declarations };
}
