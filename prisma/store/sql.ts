import type Database from "better-sqlite3";
import { prisma, reader } from "../client";
import { DEFAULT_DATABASE_URL } from "../database";
import { pgPool } from "../postgres";
import { isPostgres, sqlText } from "./dialect";
import { iso } from "./records";

// Raw SQL with typed result columns: the only way prisma/store reads rows with its own SQL.
//
// Why: Prisma's SQLite driver adapter has no types for a result column that is an expression
// (json_extract(...), a subquery, count(*)), so it guesses one from the column's first
// non-null value — and the connection reads integers as bigint, so a column whose first value
// is 0 is taken for Int64 and every later 0.25 is truncated to 0 (Math.trunc in the adapter's
// mapRow). JSON booleans come out of json_extract as 0/1 the same way. So here every query
// names the type of each column it selects, the statement's columns are checked against
// those names, and each value is converted by its declared type, never by a guess:
//
//   text    a string                     number  a number (integers and reals alike, never truncated)
//   json    JSON text, parsed here       time    an ISO-8601 UTC timestamp
//   bool    0/1 → false/true
//
// Values of JSON documents (config, params, summary) are selected as JSON text (SQLite's `->`,
// json_quote) and parsed in one place (parseJsonCell), so 0.25 stays 0.25 and true stays true.
//
// Reads go through the read-only better-sqlite3 connection (no type guessing at all); they
// are async, as a PostgreSQL driver's are, so a second database changes this file and the
// dialect, not the callers. The SQL text of a query lives in one function; where SQLite and
// PostgreSQL differ, the dialect files (sql-sqlite.ts, and a Postgres one beside it) give
// each its own text behind the same function, with the same typed columns.

export type ColumnType = "text" | "number" | "json" | "time" | "bool";
type ValueOf<T extends ColumnType> = T extends "text" | "time" ? string : T extends "number" ? number : T extends "bool" ? boolean : unknown;
export type Columns = Record<string, ColumnType>;
export type TypedRow<C extends Columns> = { [K in keyof C]: ValueOf<C[K]> | null };

/** A query: SQL with `?` placeholders, its arguments, and the type of every column it selects. */
export interface TypedQuery<C extends Columns> {
  sql: string;
  args: readonly unknown[];
  columns: C;
}

export const query = <C extends Columns>(sql: string, args: readonly unknown[], columns: C): TypedQuery<C> => ({ sql, args, columns });

/**
 * A JSON value as the table shows it: SQL NULL (the key is absent) and JSON null are null;
 * numbers stay numbers, except non-finite ones (a foreign writer's 1e999, an overflowing
 * difference), which JSON cannot carry: they become the strings "Infinity", "-Infinity", "NaN".
 */
export function parseJsonCell(text: unknown): unknown {
  if (text === null || text === undefined) return null;
  return finiteOrName(JSON.parse(String(text)));
}

export function finiteOrName(v: unknown): unknown {
  if (typeof v !== "number" || Number.isFinite(v)) return v;
  return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
}

function convert(type: ColumnType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case "text":
      return typeof v === "string" ? v : String(v);
    case "number":
      return Number(v);
    case "json":
      return parseJsonCell(v);
    case "time":
      return iso(v);
    case "bool":
      return Boolean(Number(v));
  }
}

type Statement = Database.Statement<unknown[], unknown[]>;
const statements = new WeakMap<Database.Database, Map<string, Statement>>();
const STATEMENT_CACHE = 200;

function prepare(db: Database.Database, sql: string, columns: Columns): Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  const hit = cache.get(sql);
  if (hit) return hit;
  const stmt = db.prepare(sql).raw(true) as Statement;
  const names = stmt.columns().map((c) => c.name);
  const declared = Object.keys(columns);
  if (names.join("\u0000") !== declared.join("\u0000")) {
    throw new Error(`typed query: the statement selects [${names.join(", ")}] but declares [${declared.join(", ")}]`);
  }
  if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
  cache.set(sql, stmt);
  return stmt;
}

/**
 * Every row of a typed query, each value converted by its column's declared type. Async as a
 * PostgreSQL driver is (SQLite's answers at once): callers do not change when one is added.
 * With `map`, each row is handed to it as it is made and the results are returned instead:
 * a caller that builds its own record from a row (the runs listing) then never holds every
 * row and every record at once. Listing 10,000 runs, that garbage (~2.5 MB of rows that all
 * survived the young generation) cost ~9 ms (interleaved A/B on the bench's 10,000 runs,
 * 3 pairs: 109-111 ms before, 100-102 after).
 */
export async function selectRows<C extends Columns>(q: TypedQuery<C>): Promise<TypedRow<C>[]>;
export async function selectRows<C extends Columns, T>(q: TypedQuery<C>, map: (row: TypedRow<C>) => T): Promise<T[]>;
export async function selectRows<C extends Columns, T>(q: TypedQuery<C>, map?: (row: TypedRow<C>) => T): Promise<(T | TypedRow<C>)[]> {
  const names = Object.keys(q.columns);
  const types = names.map((n) => q.columns[n]);
  const rows = (isPostgres() ? await selectPostgres(q, names) : prepare(reader(), q.sql, q.columns).all(...q.args)) as unknown[];
  const toRow = rowBuilder(names);
  for (let r = 0; r < rows.length; r++) {
    const raw = rows[r] as unknown[];
    for (let i = 0; i < types.length; i++) raw[i] = convert(types[i], raw[i]);
    const row = toRow(raw) as TypedRow<C>;
    rows[r] = map ? map(row) : row;
  }
  return rows as (T | TypedRow<C>)[];
}

const rowBuilders = new Map<string, (values: unknown[]) => Record<string, unknown>>();

/**
 * A function that makes a row object of the given columns from an array of their values, as an
 * object literal: every row of a query then shares one shape, made at once. Adding the columns
 * one by one under names read from a list (row[names[i]] = …) took ~30 ms of listing 10,000
 * runs' 30 columns, against ~1 ms (`npm run bench -- store`). The names are the query's declared
 * column names, each written as a JSON string literal (and __proto__ as a computed key: a
 * column, never the row's prototype).
 */
function rowBuilder(names: readonly string[]): (values: unknown[]) => Record<string, unknown> {
  const key = names.join("\u0000");
  let build = rowBuilders.get(key);
  if (!build) {
    if (rowBuilders.size >= STATEMENT_CACHE) rowBuilders.delete(rowBuilders.keys().next().value!);
    build = new Function("v", `return { ${names.map((name, i) => `${name === "__proto__" ? '["__proto__"]' : JSON.stringify(name)}: v[${i}]`).join(", ")} };`) as (values: unknown[]) => Record<string, unknown>;
    rowBuilders.set(key, build);
  }
  return build;
}

/** The rows of a typed query on PostgreSQL (prisma/postgres.ts's pool), as arrays, columns checked as SQLite's are. */
async function selectPostgres(q: TypedQuery<Columns>, declared: string[]): Promise<unknown[][]> {
  const pool = await pgPool(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  const result = await pool.query({ text: sqlText(q.sql), values: q.args as unknown[], rowMode: "array" });
  const names = result.fields.map((f) => f.name);
  if (names.join("\u0000") !== declared.join("\u0000")) throw new Error(`typed query: the statement selects [${names.join(", ")}] but declares [${declared.join(", ")}]`);
  return result.rows as unknown[][];
}

/**
 * A write that reports the ids of the rows it changed (UPDATE … RETURNING id), on the writing
 * connection (Prisma's). Only a text column comes back, so nothing is left to a type guess;
 * callers read the changed rows through Prisma's typed models.
 */
export async function updateReturningIds(sql: string, ...args: unknown[]): Promise<string[]> {
  if (!/\bRETURNING id\s*$/i.test(sql)) throw new Error("updateReturningIds: the statement must end with RETURNING id");
  const rows = (await prisma().$queryRawUnsafe(sqlText(sql), ...args)) as { id: unknown }[];
  return rows.map((r) => String(r.id));
}
