// Who reads and who writes each named schema: followed from the messages that use it, field by field.
import type { JsonSchema } from '../codegen/contract-model.js';
import type { ContractSnapshot } from './contract-snapshot.js';
import type { Roles } from './rules.js';

/** Fields of a notification that the pushing backend writes; the server adds the rest (id, timestamp, read). */
export const pushedNotificationFields: ReadonlySet<string> = new Set(['type', 'data', 'category']);

interface Usage {
  whole: Roles;
  /** Roles that only one top-level field of the schema has (a notification's `data` is written, its `id` is not). */
  fields: Map<string, Roles>;
}

const dataKeys = new Set(['enum', 'const', 'examples', 'default']);

export class SchemaRoles {
  readonly #usages = new Map<string, Usage>();

  /** Roles of a schema, or of one top-level field of it when `field` is given. */
  of(schemaName: string, field?: string): Roles {
    const usage = this.#usages.get(schemaName);
    if (!usage) return { read: false, written: false };
    const extra = field === undefined ? undefined : usage.fields.get(field);
    return { read: usage.whole.read || (extra?.read ?? false), written: usage.whole.written || (extra?.written ?? false) };
  }

  /** Adds the uses found in one version of the contract (call with both versions, so removed uses still count). */
  addUses(snapshot: ContractSnapshot): this {
    for (const message of snapshot.messages.values()) {
      const root = snapshot.schemas.get(message.payloadSchemaName);
      if (!root) continue;
      if (message.kind === 'notification') {
        this.#mark(message.payloadSchemaName, { read: true, written: false });
        const properties = (root['properties'] ?? {}) as Record<string, unknown>;
        for (const [field, schema] of Object.entries(properties)) {
          const roles = { read: true, written: pushedNotificationFields.has(field) };
          this.#markField(message.payloadSchemaName, field, roles);
          this.#walk(schema, roles, snapshot.schemas, new Set());
        }
        const { properties: _properties, ...rest } = root;
        this.#walk(rest, { read: true, written: false }, snapshot.schemas, new Set());
      } else {
        const roles = message.kind === 'control' || message.kind === 'webhook' ? { read: true, written: false } : { read: false, written: true };
        this.#walk({ $ref: message.payloadSchemaName }, roles, snapshot.schemas, new Set());
      }
    }
    return this;
  }

  #usage(name: string): Usage {
    let usage = this.#usages.get(name);
    if (!usage) this.#usages.set(name, (usage = { whole: { read: false, written: false }, fields: new Map() }));
    return usage;
  }

  #mark(name: string, roles: Roles): void {
    const usage = this.#usage(name);
    usage.whole = { read: usage.whole.read || roles.read, written: usage.whole.written || roles.written };
  }

  #markField(name: string, field: string, roles: Roles): void {
    const usage = this.#usage(name);
    const current = usage.fields.get(field) ?? { read: false, written: false };
    usage.fields.set(field, { read: current.read || roles.read, written: current.written || roles.written });
  }

  #walk(schema: unknown, roles: Roles, schemas: ReadonlyMap<string, JsonSchema>, seen: Set<string>): void {
    if (Array.isArray(schema)) {
      for (const item of schema) this.#walk(item, roles, schemas, seen);
      return;
    }
    if (schema === null || typeof schema !== 'object') return;
    const ref = (schema as JsonSchema)['$ref'];
    if (typeof ref === 'string') {
      const key = `${ref}:${String(roles.read)}:${String(roles.written)}`;
      if (seen.has(key)) return;
      seen.add(key);
      this.#mark(ref, roles);
      this.#walk(schemas.get(ref), roles, schemas, seen);
      return;
    }
    for (const [key, child] of Object.entries(schema)) {
      if (!dataKeys.has(key)) this.#walk(child, roles, schemas, seen);
    }
  }
}
