import { Knex } from 'knex';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';

const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-service-ops-backend',
  'migrations',
);

/** The plugin's database client, with its migrations applied (unless told to skip). */
export async function migrate(database: DatabaseService): Promise<Knex> {
  const knex = await database.getClient();
  if (!database.migrations?.skip) {
    await knex.migrate.latest({ directory: migrationsDir });
  }
  return knex;
}
