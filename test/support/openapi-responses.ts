// Checks real HTTP answers against generated/openapi.json: the documented status, media type and body schema.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { packageRoot } from '../../src/paths.js';

const addFormats = addFormatsModule.default;

type Json = Record<string, unknown>;

interface Operation {
  key: string;
  method: string;
  pattern: RegExp;
  responses: Json;
}

/** `~` and `/` escaped as JSON Pointer wants, then percent-encoded for a URI fragment. */
const pointer = (segments: string[]): string => segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

export class OpenApiResponseChecker {
  readonly document: Json;
  readonly #operations: Operation[] = [];
  readonly #ajv: Ajv2020;
  readonly #validators = new Map<string, ValidateFunction>();
  /** `METHOD /template status` of every answer checked. */
  readonly seen = new Set<string>();

  constructor(file = path.join(packageRoot, 'generated', 'openapi.json')) {
    this.document = JSON.parse(readFileSync(file, 'utf8')) as Json;
    // strict: false lets ajv read the OpenAPI keywords around the schemas (discriminator, paths, …).
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.#ajv);
    this.#ajv.addSchema(this.document, 'openapi.json');
    for (const [template, item] of Object.entries(this.document['paths'] as Record<string, Json>)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const [method, op] of Object.entries(item)) {
        this.#operations.push({ key: `${method.toUpperCase()} ${template}`, method: method.toUpperCase(), pattern, responses: (op as Json)['responses'] as Json });
      }
    }
  }

  /** Every `METHOD /template status` the document lists. */
  documentedAnswers(): string[] {
    return this.#operations.flatMap((o) => Object.keys(o.responses).map((status) => `${o.key} ${status}`));
  }

  /** Throws, saying what differs, when the answer is not one the document describes; ignores paths it does not list. */
  check(method: string, url: string, status: number, contentType: string | null, body: string): void {
    const pathname = new URL(url, 'http://localhost').pathname;
    const op = this.#operations.find((o) => o.method === method.toUpperCase() && o.pattern.test(pathname));
    if (!op) return;
    const where = `${op.key} → ${status}`;
    let segments = ['paths', op.key.slice(op.key.indexOf(' ') + 1), op.method.toLowerCase(), 'responses', String(status)];
    let answer = op.responses[String(status)] as Json | undefined;
    if (!answer) throw new Error(`${where}: status ${status} is not documented (documented: ${Object.keys(op.responses).join(', ')}); body ${body.slice(0, 200)}`);
    const ref = answer['$ref'];
    if (typeof ref === 'string') {
      segments = ref.slice(2).split('/');
      answer = segments.reduce<Json>((node, s) => node[s] as Json, this.document);
    }
    this.seen.add(`${op.key} ${status}`);
    const content = answer['content'] as Record<string, Json> | undefined;
    if (!content) {
      if (body !== '') throw new Error(`${where}: documented without a body, got ${body.slice(0, 200)}`);
      return;
    }
    const mediaType = Object.keys(content).find((type) => contentType?.split(';')[0]?.trim() === type);
    if (!mediaType) throw new Error(`${where}: content-type ${String(contentType)} is not one of ${Object.keys(content).join(', ')}`);
    const schemaPointer = `openapi.json#/${pointer([...segments, 'content', mediaType, 'schema'])}`;
    let validate = this.#validators.get(schemaPointer);
    if (!validate) this.#validators.set(schemaPointer, (validate = this.#ajv.compile({ $ref: schemaPointer })));
    const value: unknown = mediaType === 'application/json' ? JSON.parse(body) : body;
    if (!validate(value)) {
      throw new Error(`${where}: the body does not match the document: ${this.#ajv.errorsText(validate.errors)}; body ${body.slice(0, 300)}`);
    }
  }

  /** A `fetch` that checks every answer it gets (and still returns it, body intact). */
  fetch = async (input: string | URL, init?: RequestInit): Promise<Response> => {
    const response = await fetch(input, init);
    const body = await response.text();
    this.check(init?.method ?? 'GET', String(input), response.status, response.headers.get('content-type'), body);
    const nullBody = response.status === 204 || response.status === 304;
    return new Response(nullBody ? null : body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
