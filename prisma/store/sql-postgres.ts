import { CONDITIONAL_CONFIG_KEYS, ENGINE_TASKS } from "./applies";
import { float8Of } from "./dialect";
import { query } from "./sql";
import { isInfinite, LISTED_TYPES, TABLE_BASE_TYPES, valueColumns as sqliteValueColumns, type TableSqlInput, type WhereInput } from "./sql-sqlite";

// The PostgreSQL text of the run listings and the runs table: the twin of sql-sqlite.ts, the
// same functions with the same typed columns (dialect.ts picks one). It is written in the
// store's shared spelling (bare camelCase names, `?` placeholders), which prisma/postgres.ts
// toPostgres quotes and numbers. JSON documents are read from their jsonb twins (doc()); a JSON value
// compares as jsonb (numbers numerically, strings as text, JSON null as SQL NULL), as SQLite's
// json_extract values compare there.

/** Fixed columns of `Run r`, as comparable SQL expressions. */
export const FIXED_SQL = {
  id: `r.id`,
  name: `r.name`,
  state: `r.state`,
  sweep: `r.sweepId`,
  rerun_of: `r.rerunOf`,
  index: `r."index"`,
  created: `r.createdAt`,
  started: `r.startedAt`,
  finished: `r.finishedAt`,
  step: `r.lastStep`,
  runtime: `CAST(EXTRACT(EPOCH FROM (coalesce(r.finishedAt, CAST(now() AT TIME ZONE 'UTC' AS timestamp(3))) - r.startedAt)) AS float8)`,
} as const;

/**
 * A run's JSON document as jsonb: the column Postgres keeps beside the text (generated from it,
 * prisma/postgres/migrations/*_run_jsonb), so no query parses every row's text again. Quoted here:
 * the client does not know these columns, so toPostgres does not either.
 */
const doc = (source: JsonSource, alias = "r") => `${alias}."${source}Jsonb"`;

/** A number in a JSON document (NULL when the key is absent or holds no number). */
const num = (source: "summary", key: string) => `(CASE WHEN jsonb_typeof(${doc(source)} -> ${literal(key)}) = 'number' THEN ${float8Of(`${doc(source)} -> ${literal(key)}`)} END)`;

/** Curve-derived columns, computed in SQL so they sort and filter like any other. */
export const DERIVED_SQL = {
  /** final val_loss − final train_loss */
  train_val_gap: `(${num("summary", "val_loss")} - ${num("summary", "train_loss")})`,
  /** the first step any metric was NaN/Inf */
  first_nonfinite_step: `(SELECT min(CAST(j.value #>> '{}' AS float8)) FROM jsonb_each(${doc("summary")}) j WHERE jsonb_typeof(j.value) = 'number' AND j.key LIKE '%\\_first\\_nonfinite\\_step' ESCAPE '\\')`,
} as const;

const JSON_SOURCES = ["config", "summary", "params"] as const;
type JsonSource = (typeof JSON_SOURCES)[number];

function split(field: string): { source: string; key: string } {
  const dot = field.indexOf(".");
  return { source: field.slice(0, dot), key: field.slice(dot + 1) };
}

/**
 * A key as an SQL string literal, safe for any key (jsonb's `->` takes it as is: no path syntax):
 * `'` doubled, and a key holding a backslash in an E'' literal with it doubled, so the text means
 * the same whatever standard_conforming_strings says. PostgreSQL text cannot hold U+0000.
 */
function literal(s: string): string {
  if (s.includes("\u0000")) throw new Error("a column key with U+0000");
  const quoted = s.replace(/'/g, "''");
  return s.includes("\\") ? `E'${quoted.replace(/\\/g, "\\\\")}'` : `'${quoted}'`;
}

/** One key of a JSON column as jsonb, JSON null as SQL NULL. */
const value = (source: JsonSource, key: string) => `NULLIF(${doc(source)} -> ${literal(key)}, 'null'::jsonb)`;

/** As sql-sqlite.ts: a key that applies only under a choice has no value in an engine run that did not make it. */
function unlessNotApplied(source: string, key: string, expr: string): string {
  const condition = source === "config" ? CONDITIONAL_CONFIG_KEYS[key] : undefined;
  if (!condition) return expr;
  const task = `(${doc("config")} ->> 'task')`;
  const pair = `${task} || '/' || (${doc("config")} ->> ${literal(condition.parent)})`;
  const list = (xs: readonly string[]) => xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(", ");
  return `(CASE WHEN ${task} IN (${list(ENGINE_TASKS)}) AND coalesce(${pair} NOT IN (${list(condition.applies)}), true) THEN NULL ELSE ${expr} END)`;
}

const isJsonField = (field: string) => !(field in FIXED_SQL) && !(split(field).source === "derived" && split(field).key in DERIVED_SQL);

/** The comparable SQL value of a column (sort, filters): fixed and derived columns as SQL values, JSON ones as jsonb. */
export function fieldSql(field: string): string {
  if (field in FIXED_SQL) return FIXED_SQL[field as keyof typeof FIXED_SQL];
  const { source, key } = split(field);
  if (source === "derived" && key in DERIVED_SQL) return DERIVED_SQL[key as keyof typeof DERIVED_SQL];
  if (!(JSON_SOURCES as readonly string[]).includes(source)) throw new Error(`bad column ${field}`);
  return unlessNotApplied(source, key, value(source as JsonSource, key));
}

/** The value of a config/params/summary/derived column as JSON text (read back with parseJsonCell). */
export function fieldJsonSql(field: string): string {
  const { source, key } = split(field);
  if (source === "derived" && key in DERIVED_SQL) return `CAST(to_jsonb(${DERIVED_SQL[key as keyof typeof DERIVED_SQL]}) AS TEXT)`;
  if (!(JSON_SOURCES as readonly string[]).includes(source)) throw new Error(`not a JSON column: ${field}`);
  return `CAST(${unlessNotApplied(source, key, value(source as JsonSource, key))} AS TEXT)`;
}

/** A run is archived when it is, or (outside its own sweep's view) when its sweep is. */
function archivedSql(q: WhereInput): string {
  return q.sweepId ? `r.archivedAt IS NOT NULL` : `(r.archivedAt IS NOT NULL OR EXISTS (SELECT 1 FROM Sweep s WHERE s.id = r.sweepId AND s.archivedAt IS NOT NULL))`;
}

/** The WHERE clause (of `Run r`) for a sweep, states, ids and column filters. */
export function whereSql(q: WhereInput): { sql: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  if (q.sweepId) {
    parts.push(`r.sweepId = ?`);
    args.push(q.sweepId);
  }
  if (q.project !== undefined) {
    parts.push(`r.project = ?`);
    args.push(q.project);
  }
  if (q.states && q.states.length > 0) {
    parts.push(`r.state IN (${q.states.map(() => "?").join(",")})`);
    args.push(...q.states);
  }
  if (q.ids) {
    if (q.ids.length === 0) parts.push("false");
    else {
      parts.push(`r.id IN (SELECT json_array_elements_text(CAST(? AS json)))`);
      args.push(JSON.stringify(q.ids));
    }
  }
  for (const tag of q.tags ?? []) {
    parts.push(`EXISTS (SELECT 1 FROM json_array_elements_text(CAST(r.tags AS json)) t WHERE t = CAST(? AS TEXT))`);
    args.push(tag);
  }
  if (q.archived === "hide") parts.push(`NOT ${archivedSql(q)}`);
  if (q.archived === "only") parts.push(archivedSql(q));
  for (const f of q.filters ?? []) {
    if (f.op === "~") {
      // "contains" reads what the table shows: JSON text for JSON columns (true, 0.25, lstm)
      const text = f.field in FIXED_SQL ? `CAST(${fieldSql(f.field)} AS TEXT)` : fieldJsonSql(f.field);
      parts.push(`${text} LIKE CAST(? AS TEXT) ESCAPE '\\'`);
      args.push(`%${String(f.value).replace(/[\\%_]/g, (c) => "\\" + c)}%`);
    } else {
      const expr = fieldSql(f.field);
      // a JSON column compares as jsonb with the value as JSON; a fixed or derived one as its SQL type
      const json = isJsonField(f.field);
      const param = json ? `CAST(? AS jsonb)` : "?";
      // ±Infinity as a stored summary spells it in JSON (records.ts summaryJson), which jsonb keeps as a numeric
      const arg = json ? (isInfinite(f.value) ? (f.value > 0 ? "9e999" : "-9e999") : JSON.stringify(f.value)) : typeof f.value === "boolean" ? (f.value ? 1 : 0) : f.value;
      if (json && isInfinite(f.value) && (f.op === "=" || f.op === "!=")) {
        // the number, or the string a client stores for an infinite config value: both read "Infinity"
        parts.push(f.op === "!=" ? `(${expr} IS NULL OR (${expr} != ${param} AND ${expr} != ${param}))` : `(${expr} = ${param} OR ${expr} = ${param})`);
        args.push(arg, JSON.stringify(String(f.value)));
        continue;
      }
      parts.push(f.op === "!=" ? `(${expr} IS NULL OR ${expr} != ${param})` : `${expr} ${f.op} ${param}`);
      args.push(arg);
    }
  }
  return { sql: parts.length ? `WHERE ${parts.join(" AND ")}` : "", args };
}

/** ORDER BY a column, missing values last in either direction, ties by creation (newest first) and id. */
export function orderSql(sort: { field: string; desc: boolean }): string {
  const expr = fieldSql(sort.field);
  return `ORDER BY (${expr} IS NULL), ${expr} ${sort.desc ? "DESC" : "ASC"}, r.createdAt DESC, r.id`;
}

// --- the runs table -----------------------------------------------------------------------

const TABLE_BASE = `r.id, r.name, r.state, r.sweepId, (SELECT s.name FROM Sweep s WHERE s.id = r.sweepId) AS "sweepName", r.createdAt, r.startedAt, r.finishedAt, r.lastStep, r.rerunOf, r.tags, r.archivedAt, r.runGroup`;
const valueColumns = (columns: readonly string[]) => sqliteValueColumns(columns, fieldJsonSql);

export function tablePageQuery(q: TableSqlInput, limit: number, offset: number) {
  const w = whereSql(q);
  const v = valueColumns(q.columns);
  // the page's ids first, sorted on one narrow row each; then the 50 rows' columns
  const page = `SELECT r.id FROM Run r ${w.sql} ${orderSql(q.sort)} LIMIT ? OFFSET ?`;
  return query(`SELECT ${TABLE_BASE}${v.sql} FROM (${page}) page JOIN Run r ON r.id = page.id ${orderSql(q.sort)}`, [...w.args, limit, offset], { ...TABLE_BASE_TYPES, ...v.types });
}

export function tableGroupQuery(q: TableSqlInput, by: "seeds" | "runs" = "seeds") {
  const w = whereSql(q);
  const v = valueColumns(q.columns);
  const key = by === "runs" ? `coalesce('g:' || r.runGroup, 'r:' || r.id)` : `coalesce(r.sweepId, '') || CAST(${doc("config")} - 'seed' AS TEXT)`;
  return query(`SELECT ${TABLE_BASE}${v.sql}, ${key} AS "configKey" FROM Run r ${w.sql} ${orderSql(q.sort)}`, w.args, { ...TABLE_BASE_TYPES, ...v.types, configKey: "text" });
}

export function runCountQuery(q: WhereInput) {
  const w = whereSql(q);
  return query(`SELECT count(*) AS n FROM Run r ${w.sql}`, w.args, { n: "number" });
}

export function viewStampQuery(q: WhereInput, countAll: boolean) {
  const w = whereSql(q);
  const all = countAll ? "(SELECT count(*) FROM Run)" : "NULL";
  return query(`SELECT count(*) AS n, max(r.createdAt) AS newest, ${all} AS "all" FROM Run r ${w.sql}`, w.args, { n: "number", newest: "time", all: "number" });
}

export function tableKeysQueries(sweepId?: string, project?: string) {
  const w = whereSql({ sweepId, project });
  const scope = `SELECT ${doc("config")} AS config, ${doc("summary")} AS summary FROM Run r ${w.sql} ORDER BY createdAt DESC LIMIT 2000`;
  const args = w.args;
  return {
    config: query(`SELECT j.key AS key, count(DISTINCT j.value) AS n FROM (${scope}) r, jsonb_each(r.config) j GROUP BY j.key`, args, { key: "text", n: "number" }),
    summary: query(`SELECT DISTINCT j.key AS key FROM (${scope}) r, jsonb_each(r.summary) j`, args, { key: "text" }),
  };
}

// --- run listings (listRuns) ---------------------------------------------------------------

export function listIdsQuery(q: WhereInput, sort: { field: string; desc: boolean }, limit: number, offset: number) {
  const w = whereSql(q);
  return query(`SELECT r.id AS id FROM Run r ${w.sql} ${orderSql(sort)} LIMIT ? OFFSET ?`, [...w.args, limit, offset], { id: "text" });
}

export function listRowsQuery(ids: readonly string[]) {
  const columns = Object.keys(LISTED_TYPES).map((c) => (c === "index" ? `r."index" AS "index"` : `r.${c} AS ${c}`)).join(", ");
  return query(
    `SELECT ${columns} FROM json_array_elements_text(CAST(? AS json)) WITH ORDINALITY AS j(value, ord) JOIN Run r ON r.id = j.value ORDER BY j.ord`,
    [JSON.stringify(ids)],
    LISTED_TYPES,
  );
}

export function configsQuery(ids: readonly string[]) {
  return query(`SELECT id, config FROM Run WHERE id IN (SELECT json_array_elements_text(CAST(? AS json)))`, [JSON.stringify(ids)], { id: "text", config: "text" });
}

export function runBriefsQuery(view: { sweepId?: string; ids?: readonly string[] }, limit: number) {
  const w = whereSql({ sweepId: view.sweepId, ids: view.ids });
  return query(`SELECT r.id, r.name, r.state, r.startedAt FROM Run r ${w.sql} ORDER BY r.createdAt, r."index", r.id LIMIT ?`, [...w.args, limit], {
    id: "text",
    name: "text",
    state: "text",
    startedAt: "time",
  });
}
