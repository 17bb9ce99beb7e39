// ajv standalone: every message payload (and every notification's `data`) → a precompiled validator.
import { Ajv } from 'ajv';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import addFormatsModule from 'ajv-formats';
import type { ContractModel } from './contract-model.js';
import { generatedHeader, pascalCase } from './naming.js';

// Both packages are CommonJS; under NodeNext their default import is the module object.
const standaloneCode = standaloneCodeModule.default;
const addFormats = addFormatsModule.default;

/** Name of the exported validator for a message key, e.g. `validateInvitationReceived`. */
export function validatorName(messageKey: string): string {
  return `validate${pascalCase(messageKey)}`;
}

/** Name of the exported validator for a notification's `data`, e.g. `validateInvitationReceivedData`. */
export function dataValidatorName(messageKey: string): string {
  return `validate${pascalCase(messageKey)}Data`;
}

/**
 * Where the validators' runtime helpers (ajv, ajv-formats) are found: next to the module in notify's own
 * build; through the installed notify in an app, which need not depend on ajv itself.
 */
export type RequireAnchor = 'self' | 'notify';

/** Returns the text of validators.ts / validators.js: ESM, no schema compilation at load. */
export function generateValidators(contract: ContractModel, options: { header: string; anchor: RequireAnchor } = { header: generatedHeader, anchor: 'self' }): string {
  const ajv = new Ajv({ strict: true, allErrors: true, code: { source: true, esm: true, lines: true } });
  addFormats(ajv);
  // Each named schema is compiled once and referenced, so a notification shared by several messages costs one function.
  for (const [name, schema] of contract.schemas) ajv.addSchema({ ...schema, $id: name });
  const exports: Record<string, string> = {};
  for (const message of contract.messages) {
    exports[validatorName(message.key)] = message.payloadSchemaName;
    if (message.data) exports[dataValidatorName(message.key)] = message.data.schemaName;
  }
  const code = standaloneCode(ajv, exports);
  // ajv's ESM output still calls require() for formats and runtime helpers; give it one.
  const from = options.anchor === 'self' ? 'import.meta.url' : "import.meta.resolve('notify/package.json')";
  const shim = `import { createRequire } from 'node:module';\nconst require = createRequire(${from});\n`;
  return `${options.header}// @ts-nocheck -- ajv standalone output; typed by the index.\n/* eslint-disable */\n${shim}${code}\n`;
}
