import { DEFAULT_DATABASE_URL } from "../database";
import { toPostgres } from "../postgres";
import { providerOf } from "../provider";

// Which SQL the store speaks now: SQLite's or PostgreSQL's (DATABASE_URL). The store's raw
// statements are written once where both databases read the same text (identifiers in double
// quotes, `?` placeholders numbered here for Postgres); where they differ, both texts sit side by
// side behind one function (sql-sqlite.ts / sql-postgres.ts, and the few `isPostgres()` branches).

export function isPostgres(): boolean {
  return providerOf(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL) === "postgresql";
}

/** A statement written in SQLite's spelling (bare camelCase names, `?` placeholders) as the current database takes it. */
export function sqlText(sql: string): string {
  return isPostgres() ? toPostgres(sql) : sql;
}

/** Run a write written in SQLite's spelling on a transaction (or the client): the rows it changed. */
export function execSql(tx: { $executeRawUnsafe: (sql: string, ...args: unknown[]) => Promise<number> }, sql: string, ...args: unknown[]): Promise<number> {
  return tx.$executeRawUnsafe(sqlText(sql), ...args);
}

/**
 * The end of a claim's subquery that picks the queued run: on Postgres the row is locked, and a
 * row another claimer holds is skipped (FOR UPDATE SKIP LOCKED), so concurrent claimers on many
 * servers take different runs without waiting on each other; SQLite has one writer at a time.
 */
export function claimLock(): string {
  return isPostgres() ? " FOR UPDATE OF r SKIP LOCKED" : "";
}

/**
 * A jsonb number as float8. A summary stores ±Infinity as ±9e999 (records.ts summaryJson),
 * which jsonb keeps as a numeric and a plain cast to float8 refuses ("out of range"): those
 * are ±Infinity here.
 */
export function float8Of(jsonb: string): string {
  const n = `CAST(${jsonb} AS numeric)`;
  return `CAST(CASE WHEN ${n} > ${Number.MAX_VALUE} THEN 'Infinity'::numeric WHEN ${n} < -${Number.MAX_VALUE} THEN '-Infinity'::numeric ELSE ${n} END AS float8)`;
}
