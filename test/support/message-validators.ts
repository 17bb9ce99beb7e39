// The generated validator of a contract message, as the server and the client would pick it.
import { clientMessageValidators, notificationValidators, serverMessageValidators, webhookEventValidators, type Validator } from '../../generated/index.js';
import * as validators from '../../generated/validators.js';
import type { ContractMessage } from '../../src/codegen/contract-model.js';
import { validatorName } from '../../src/codegen/generate-validators.js';

/** By wire name from the index's maps; a text frame (no map) by its exported validator's name. */
export function validatorFor(message: ContractMessage): Validator<unknown> {
  const byName: Record<string, Validator<unknown> | undefined> =
    message.kind === 'notification'
      ? notificationValidators
      : message.kind === 'control'
        ? serverMessageValidators
        : message.kind === 'action'
          ? clientMessageValidators
          : message.kind === 'webhook'
            ? webhookEventValidators
            : (validators as unknown as Record<string, Validator<unknown>>);
  const validate = message.kind === 'text' ? byName[validatorName(message.key)] : byName[message.wireName];
  if (!validate) throw new Error(`no generated validator for ${message.kind} ${message.wireName}`);
  return validate;
}
