import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResult,
  Migrator,
} from 'kysely';

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../migrations',
);

/**
 * Loads migrations/*.ts through this module's own dynamic import, so whichever loader runs
 * the app (tsx, or vitest's) compiles them; kysely's FileMigrationProvider imports from
 * inside node_modules, where no TypeScript loader applies.
 */
class TypeScriptMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d.*\.ts$/.test(f)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      migrations[file.replace(/\.ts$/, '')] = await import(
        pathToFileURL(path.join(MIGRATIONS_DIR, file)).href
      );
    }
    return migrations;
  }
}

/** Applies every pending migration under migrations/ in name order; throws on the first failure. */
export async function migrateToLatest(
  // biome-ignore lint/suspicious/noExplicitAny: migrations are schema-agnostic by design
  db: Kysely<any>,
): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider: new TypeScriptMigrationProvider() });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error');
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`);
  }
  return results;
}

/** Applies migrations up to and including `name` (tests of a migration on data made before it). */
export async function migrateTo(
  // biome-ignore lint/suspicious/noExplicitAny: migrations are schema-agnostic by design
  db: Kysely<any>,
  name: string,
): Promise<void> {
  const migrator = new Migrator({ db, provider: new TypeScriptMigrationProvider() });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
