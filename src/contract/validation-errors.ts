// Turns ajv errors into JSON-pointer + message pairs people can act on.
import type { ErrorObject } from 'ajv';

export interface FieldError {
  /** JSON pointer to the offending field ('' is the whole value). */
  pointer: string;
  message: string;
}

/** A JSON pointer segment (RFC 6901). */
export const pointerSegment = (name: string): string => name.replace(/~/g, '~0').replace(/\//g, '~1');

function describe(error: ErrorObject): FieldError {
  const params = error.params as Record<string, unknown>;
  // A `propertyNames` rule failed for one key: point at that key, not at the object holding it.
  if (error.propertyName !== undefined) return { pointer: `${error.instancePath}/${pointerSegment(error.propertyName)}`, message: `name ${error.message ?? error.keyword}` };
  switch (error.keyword) {
    case 'required':
      return { pointer: `${error.instancePath}/${String(params['missingProperty'])}`, message: 'is required' };
    case 'additionalProperties':
      return { pointer: `${error.instancePath}/${String(params['additionalProperty'])}`, message: 'is not allowed by the contract' };
    case 'enum':
      return { pointer: error.instancePath, message: `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { pointer: error.instancePath, message: `must be ${JSON.stringify(params['allowedValue'])}` };
    default:
      return { pointer: error.instancePath, message: error.message ?? error.keyword };
  }
}

/** One entry per distinct problem; `oneOf` and `propertyNames` wrappers are dropped in favour of the errors they wrap. */
export function fieldErrors(errors: readonly ErrorObject[] | null | undefined, prefix = ''): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors ?? []) {
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf' || error.keyword === 'propertyNames') continue;
    const entry = describe(error);
    entry.pointer = prefix + entry.pointer;
    const key = `${entry.pointer} ${entry.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(entry);
    }
  }
  return out;
}

/** `/data/groupId: must match format "uuid"`, one a line. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.pointer || '(root)'}: ${e.message}`).join('\n');
}
