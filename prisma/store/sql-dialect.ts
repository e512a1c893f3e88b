import { isPostgres } from "./dialect";
import * as postgres from "./sql-postgres";
import * as sqlite from "./sql-sqlite";

// The run listings' and the runs table's SQL for the database in use: sql-sqlite.ts or its twin
// sql-postgres.ts (the same functions, the same typed columns).
export type DialectSql = Pick<typeof sqlite, Exclude<keyof typeof postgres, "FIXED_SQL" | "DERIVED_SQL">>;

export function dialectSql(): DialectSql {
  return isPostgres() ? postgres : sqlite;
}
