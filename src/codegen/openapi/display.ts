// The display-templates part of the HTTP API's route table: its routes, and the catalog-specific answer schema.
import type { ContractMessage, JsonSchema } from '../contract-model.js';
import type { ApiRoute } from './route-types.js';

const path = '/api/v1/display-templates';
const templateText = (description: string): JsonSchema => ({ type: 'string', description });

export const displaySchemas: Record<string, JsonSchema> = {
  DisplayTemplate: {
    type: 'object',
    additionalProperties: false,
    required: ['title'],
    description: 'Text with `{field}` / `{nested.field}` placeholders over the notification\'s `data` (`{{` and `}}` are literal braces).',
    properties: {
      title: templateText('Always shown.'),
      body: templateText('Left out when a field it uses is absent.'),
      url: templateText('Where a click leads: renders to an http(s) URL or a relative path, else left out.'),
      icon: templateText('An image URL, by the same rule as `url`.'),
    },
  },
  DisplayTemplateSet: {
    type: 'object',
    description: 'One type\'s templates by BCP 47 locale tag, in the contract\'s order (the first is the last resort); the single key `*` when the contract gives one template for every locale.',
    minProperties: 1,
    propertyNames: { pattern: '^(\\*|[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*)$' },
    additionalProperties: { $ref: 'DisplayTemplate' },
  },
};

/** The answer of `GET /api/v1/display-templates` for this catalog: every type, each with its templates. */
export function displayTemplatesSchema(notifications: readonly ContractMessage[]): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: notifications.map((m) => m.wireName),
    description: 'How each notification type of the catalog is shown (`x-notify-display`), by `type`.',
    properties: Object.fromEntries(notifications.map((m) => [m.wireName, { $ref: 'DisplayTemplateSet' }])),
  };
}

const cors = {
  'Access-Control-Allow-Origin': { description: 'The request\'s Origin, when `--allowed-origins` lists it.', schema: { type: 'string' } },
};
const caching = {
  ETag: { description: 'The contract hash: the templates change only with the contract (or notify\'s generator).', schema: { type: 'string' } },
  'Cache-Control': { description: '`no-cache`: keep it, revalidate with `If-None-Match`.', schema: { type: 'string' } },
};

export const displayRoutes: ApiRoute[] = [
  {
    method: 'get',
    path,
    operationId: 'displayTemplates',
    summary: "How each notification type is shown: the catalog's display templates",
    description:
      'For pages that render notifications without generated code (notify/client\'s `renderDisplay`). No credential: it holds the contract, not user data. A page on another origin reads it when `--allowed-origins` lists that origin.',
    tag: 'Documentation',
    parameters: [{ name: 'If-None-Match', in: 'header', description: 'The ETag of a copy the client holds.', schema: { type: 'string' } }],
    responses: {
      '200': { description: 'Every type of the catalog with its templates.', body: { $ref: 'DisplayTemplates' }, headers: { ...caching, ...cors } },
      '304': { description: 'The copy the client holds (`If-None-Match`) is current.', headers: { ...caching, ...cors } },
    },
  },
  {
    method: 'options',
    path,
    operationId: 'displayTemplatesPreflight',
    summary: 'CORS preflight',
    tag: 'Documentation',
    responses: {
      '204': {
        description: 'Allowed methods and headers for an Origin that `--allowed-origins` lists; no CORS headers for any other.',
        headers: {
          ...cors,
          'Access-Control-Allow-Methods': { description: '`GET, HEAD`.', schema: { type: 'string' } },
          'Access-Control-Allow-Headers': { description: '`If-None-Match`.', schema: { type: 'string' } },
        },
      },
    },
  },
];
