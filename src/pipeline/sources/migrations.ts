// The sources' tables, for the store set-up: a face of its own, light, so that opening the store loads no sync code.
export { driveMigration } from './drive/tables.ts';
