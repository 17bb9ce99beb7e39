// Decodes client frames with the generated validators: a known action, a text frame, or a request_error to send back.
import {
  clientActions,
  clientMessageValidators,
  clientTextFrames,
  type ClientAction,
  type ClientMessage,
  type ClientTextFrame,
  type RequestErrorCode,
} from '../../generated/index.js';
import { fieldErrors, formatFieldErrors } from '../contract/validation-errors.js';

export type DecodedFrame =
  | { kind: 'text'; text: ClientTextFrame }
  | { kind: 'action'; message: ClientMessage }
  | { kind: 'invalid'; code: RequestErrorCode; message: string; action?: string };

const knownActions: ReadonlySet<string> = new Set(clientActions);
const textFrames: ReadonlySet<string> = new Set(clientTextFrames);

function isAction(value: string): value is ClientAction {
  return knownActions.has(value);
}

/** Longest action name echoed back in a request_error (the contract caps it). */
const maxEchoedAction = 64;

export function decodeClientFrame(raw: string): DecodedFrame {
  const trimmed = raw.trim();
  if (textFrames.has(trimmed)) return { kind: 'text', text: trimmed as ClientTextFrame };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { kind: 'invalid', code: 'invalid_json', message: 'Frame is not valid JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { kind: 'invalid', code: 'invalid_message', message: 'Frame must be a JSON object with an "action"' };
  }
  const action = (parsed as { action?: unknown }).action;
  if (typeof action !== 'string') {
    return { kind: 'invalid', code: 'invalid_message', message: 'Frame must have a string "action"' };
  }
  const echoed = action.slice(0, maxEchoedAction);
  if (!isAction(action)) {
    return { kind: 'invalid', code: 'unknown_action', message: `Unknown action "${echoed}"; expected one of ${clientActions.join(', ')}`, action: echoed };
  }
  const validate = clientMessageValidators[action];
  if (!validate(parsed)) {
    return { kind: 'invalid', code: 'invalid_message', message: formatFieldErrors(fieldErrors(validate.errors)).slice(0, 1000), action };
  }
  return { kind: 'action', message: parsed as ClientMessage };
}
