import type Database from 'better-sqlite3';

/**
 * Prepares each SQL text once per connection. Lazily: before migrate() the tables a statement
 * names may not exist yet.
 */
export function statementCache(db: Database.Database): (text: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (text) => {
    let statement = cache.get(text);
    if (!statement) {
      statement = db.prepare(text);
      cache.set(text, statement);
    }
    return statement;
  };
}
