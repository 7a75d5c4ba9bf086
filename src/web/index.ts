// The office's web page, served by the control API: sign-in from a Telegram link, pages per role, audit log.
export { webMigration } from './migration.ts';
export type { WebTables } from './migration.ts';
export { WebAuth, LINK_VALID_MS } from './auth.ts';
export { Audit } from './audit.ts';
export { webBaseUrl } from './base-url.ts';
export { WEB_PATHS, webRoutes } from './routes.ts';
export type { NowFacts, WebDeps } from './deps.ts';
