/** One PostgreSQL schema change: SQL run in the migration transaction. */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}
