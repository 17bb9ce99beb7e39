// The package's entry (`import … from 'notify'`): start a server from a typed config, on the built-in catalog or an app's.
export { startNotifyServer } from './server.js';
export type { NotifyServer, StartOptions } from './server.js';
export { defaultConfig, makeConfig } from './config.js';
export type { JwtConfig, NotifyConfig } from './config.js';
export { builtInCatalog } from './catalog/catalog.js';
export type { Catalog } from './catalog/catalog.js';
export { CatalogError, loadCatalog } from './catalog/load-catalog.js';
export { closeCodes } from './errors.js';
export type { NotificationId, UserId } from './ids.js';
export type { Logger } from './logger.js';
