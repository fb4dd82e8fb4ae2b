/**
 * The schema version this build understands. Every adapter reports it; the SQLite migration list
 * must end exactly here (checked by a test), so bump both together.
 */
export const SCHEMA_VERSION = 23;
