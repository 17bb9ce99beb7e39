// The status routes for openapi.json (ping, info, health, readiness, metrics, this document) and their schemas.
import type { JsonSchema } from '../contract-model.js';
import type { ApiRoute } from './route-types.js';

export const statusSchemas: Record<string, JsonSchema> = {
  StatusInfo: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'version'],
    properties: { name: { type: 'string' }, version: { type: 'string' } },
  },
  Health: { type: 'object', additionalProperties: false, required: ['status'], properties: { status: { const: 'ok' } } },
  Readiness: {
    oneOf: [
      { type: 'object', additionalProperties: false, required: ['status', 'connections'], properties: { status: { const: 'ready' }, connections: { type: 'integer', minimum: 0 } } },
      { type: 'object', additionalProperties: false, required: ['status'], properties: { status: { const: 'shutting_down' } } },
    ],
  },
};

export const statusRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/api/status/ping',
    operationId: 'ping',
    summary: 'Liveness as text',
    tag: 'Status',
    responses: { '200': { description: 'Alive.', text: { contentType: 'text/plain', schema: { type: 'string', const: 'pong' } } } },
  },
  {
    method: 'get',
    path: '/api/status/info',
    operationId: 'info',
    summary: 'Server name and version',
    tag: 'Status',
    responses: { '200': { description: 'Name and version.', body: { $ref: 'StatusInfo' } } },
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    summary: 'Liveness',
    tag: 'Status',
    responses: { '200': { description: 'Alive.', body: { $ref: 'Health' } } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness (503 while shutting down)',
    tag: 'Status',
    responses: { '200': { description: 'Ready.', body: { $ref: 'Readiness' } }, '503': 'NotReady' },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    tag: 'Status',
    responses: { '200': { description: 'Prometheus text exposition format.', text: { contentType: 'text/plain', schema: { type: 'string' } } } },
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This document',
    tag: 'Documentation',
    responses: { '200': { description: 'The OpenAPI 3.1 document of this API, generated from the contract.', body: { type: 'object' } } },
  },
];
