// Parameters and schemas every route family of openapi.json shares.
import type { JsonSchema } from '../contract-model.js';
import type { ApiParameter } from './route-types.js';

export const userId: ApiParameter = { name: 'userId', in: 'path', required: true, description: 'The user (the `sub` of their JWT).', schema: { type: 'string', minLength: 1, maxLength: 256 } };
export const notificationId: JsonSchema = { type: 'string', pattern: '^[0-9A-Za-z._-]{1,64}$', description: 'Notification id: sorts in delivery order per user.' };
