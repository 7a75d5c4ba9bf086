// Vitest globalSetup: one PostgreSQL server for the whole run, shared via inject('postgresUrl').
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.DATABASE_URL;
  if (external) {
    project.provide('postgresUrl', external);
    return undefined;
  }
  // Test data is disposable, so trade durability for speed.
  const server = await startPostgres({ fsync: false });
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
