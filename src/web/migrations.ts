// The web module's light face for the store set-up: its migration alone (no fastify, no pages).
export { webMigration } from './migration.ts';
