// The shape of an entry of the HTTP API's route table (routes.ts and the tables it joins).
import type { JsonSchema } from '../contract-model.js';
import type { ServiceScope } from '../../auth/service-auth.js';

/** A shared error answer under components.responses. */
export type ErrorResponseName = 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'Conflict' | 'PayloadTooLarge' | 'OffContract' | 'RateLimited' | 'NotReady';

export interface ApiResponse {
  description: string;
  /** JSON body schema (`$ref`s point at components.schemas by name: `{ $ref: 'PushResult' }`). */
  body?: JsonSchema;
  /** Non-JSON body: its media type and schema. */
  text?: { contentType: string; schema: JsonSchema };
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

export interface ApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options';
  /** OpenAPI path template: `/api/v1/users/{userId}/notifications`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'Push' | 'Notifications' | 'Topics' | 'Keys' | 'Webhooks' | 'Status' | 'Documentation';
  /**
   * The scope a service credential needs (the handler's `authorize(request, response, scope)` says the same; a test
   * holds them in step). Its operation gets the security requirement and the 401 / 403 / 429 answers. Absent: public.
   */
  scope?: ServiceScope;
  parameters?: ApiParameter[];
  /** JSON request body, by component name; `examples` takes the contract's message examples in that shape. */
  body?: { schema: string; description: string; examples?: 'single' | 'multi' | 'batch' };
  responses: Record<string, ApiResponse | ErrorResponseName>;
}
