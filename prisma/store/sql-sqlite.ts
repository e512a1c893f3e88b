import { CONDITIONAL_CONFIG_KEYS, ENGINE_TASKS } from "./applies";
import { firstNonfiniteKey } from "../../sweeps/summary";
import { query } from "./sql";

// The SQLite text of the run listings and the runs table: column expressions, the WHERE
// clause of filters, and the table's queries. Every function here returns SQL for SQLite;
// a PostgreSQL version of the same functions (same names, same typed columns) sits beside
// it, and the callers (query.ts, runs-table.ts) pick one. Column names reaching this file
// were accepted by RunField (sweeps/names.ts), but a key sits in the SQL text escaped for any
// string all the same (jsonKeyPath, literal); every value a user types is a bound parameter.

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
  runtime: `((julianday(coalesce(r.finishedAt, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))) - julianday(r.startedAt)) * 86400.0)`,
} as const;

/** Curve-derived columns, computed in SQL so they sort and filter like any other. */
export const DERIVED_SQL = {
  /** final val_loss − final train_loss */
  train_val_gap: `(json_extract(r.summary, '$.val_loss') - json_extract(r.summary, '$.train_loss'))`,
  /** the first step any metric was NaN/Inf */
  first_nonfinite_step: `(SELECT min(j.value) FROM json_each(r.summary) j WHERE j.key LIKE '%\\_first\\_nonfinite\\_step' ESCAPE '\\')`,
} as const;

const JSON_SOURCES = ["config", "summary", "params"] as const;

function split(field: string): { source: string; key: string } {
  const dot = field.indexOf(".");
  return { source: field.slice(0, dot), key: field.slice(dot + 1) };
}

/**
 * SQLite's JSON path to one key: a quoted label, so `val/loss`, `val loss` or `x[0]` name a key,
 * not a path, whatever the key holds. A label ends at the next `"`, and one holding a backslash
 * is read with JSON's escapes: so `"` is written \u0022, a backslash \\ and a control character
 * \u00XX.
 */
export function jsonKeyPath(key: string): string {
  const label = key.replace(/["\\\u0000-\u001f]/g, (c) => (c === "\\" ? "\\\\" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
  return `$."${label}"`;
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The path to one key as an SQL literal (a key's `'` doubled: no key ends the literal). */
const path = (key: string) => literal(jsonKeyPath(key));

/**
 * A config key that applies only under a choice (momentum under optimizer=momentum) has no
 * value in an engine run that did not make it: the cell is empty, sorts with the missing
 * values, and matches no filter — as in the CSV (prisma/store/applies.ts). A program's config
 * (no engine task) keeps every value.
 */
function unlessNotApplied(source: string, key: string, expr: string): string {
  const condition = source === "config" ? CONDITIONAL_CONFIG_KEYS[key] : undefined;
  if (!condition) return expr;
  const task = `json_extract(r.config, '$.task')`;
  const pair = `${task} || '/' || json_extract(r.config, ${path(condition.parent)})`;
  return `(CASE WHEN ${task} IN (${ENGINE_TASKS.map(literal).join(", ")}) AND coalesce(${pair} NOT IN (${condition.applies.map(literal).join(", ")}), 1) THEN NULL ELSE ${expr} END)`;
}

/** The comparable SQL value of a column (sort, filters): numbers as numbers, JSON booleans as 0/1. */
export function fieldSql(field: string): string {
  if (field in FIXED_SQL) return FIXED_SQL[field as keyof typeof FIXED_SQL];
  const { source, key } = split(field);
  if (source === "derived" && key in DERIVED_SQL) return DERIVED_SQL[key as keyof typeof DERIVED_SQL];
  if (!(JSON_SOURCES as readonly string[]).includes(source)) throw new Error(`bad column ${field}`);
  return unlessNotApplied(source, key, `json_extract(r.${source}, ${path(key)})`);
}

/** The value of a config/params/summary/derived column as JSON text (read back with parseJsonCell): 0.25 stays 0.25, true stays true. */
export function fieldJsonSql(field: string): string {
  const { source, key } = split(field);
  if (source === "derived" && key in DERIVED_SQL) return `json_quote(${DERIVED_SQL[key as keyof typeof DERIVED_SQL]})`;
  if (!(JSON_SOURCES as readonly string[]).includes(source)) throw new Error(`not a JSON column: ${field}`);
  return unlessNotApplied(source, key, `(r.${source} -> ${path(key)})`);
}

export interface WhereInput {
  sweepId?: string;
  states?: readonly string[];
  ids?: readonly string[];
  filters?: readonly { field: string; op: string; value: string | number | boolean }[];
  /** Runs carrying every one of these tags. */
  tags?: readonly string[];
  /** Runs of this project (and, for sweeps' runs, of this project's sweeps). */
  project?: string;
  /**
   * Archived runs (archived themselves, or their sweep archived — unless the sweep is named):
   * hidden, shown too, or shown alone. Absent: shown too (the store's own reads).
   */
  archived?: "hide" | "include" | "only";
}

/** A run is archived when it is, or (outside its own sweep's view) when its sweep is. */
function archivedSql(q: WhereInput): string {
  return q.sweepId ? `r.archivedAt IS NOT NULL` : `(r.archivedAt IS NOT NULL OR EXISTS (SELECT 1 FROM Sweep s WHERE s.id = r.sweepId AND s.archivedAt IS NOT NULL))`;
}

/** ±Infinity: a filter's "Infinity" (query.ts RunFilter). */
export const isInfinite = (v: unknown): v is number => typeof v === "number" && (v === Infinity || v === -Infinity);

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
    if (q.ids.length === 0) parts.push("0");
    else {
      parts.push(`r.id IN (SELECT value FROM json_each(?))`);
      args.push(JSON.stringify(q.ids));
    }
  }
  for (const tag of q.tags ?? []) {
    parts.push(`EXISTS (SELECT 1 FROM json_each(r.tags) t WHERE t.value = ?)`);
    args.push(tag);
  }
  if (q.archived === "hide") parts.push(`NOT ${archivedSql(q)}`);
  if (q.archived === "only") parts.push(archivedSql(q));
  for (const f of q.filters ?? []) {
    if (f.op === "~") {
      // "contains" reads what the table shows: JSON text for JSON columns (true, 0.25, lstm)
      const text = f.field in FIXED_SQL ? fieldSql(f.field) : fieldJsonSql(f.field);
      parts.push(`CAST(${text} AS TEXT) LIKE ? ESCAPE '\\'`);
      args.push(`%${String(f.value).replace(/[\\%_]/g, (c) => "\\" + c)}%`);
    } else {
      const expr = fieldSql(f.field);
      const value = typeof f.value === "boolean" ? (f.value ? 1 : 0) : f.value;
      if (isInfinite(value) && (f.op === "=" || f.op === "!=")) {
        // the number, or the string a client stores for an infinite config value: both read "Infinity"
        parts.push(f.op === "!=" ? `(${expr} IS NULL OR (${expr} != ? AND ${expr} != ?))` : `(${expr} = ? OR ${expr} = ?)`);
        args.push(value, String(value));
        continue;
      }
      parts.push(f.op === "!=" ? `(${expr} IS NULL OR ${expr} != ?)` : `${expr} ${f.op} ?`);
      args.push(value);
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

const TABLE_BASE = `r.id, r.name, r.state, r.sweepId, (SELECT s.name FROM Sweep s WHERE s.id = r.sweepId) AS sweepName, r.createdAt, r.startedAt, r.finishedAt, r.lastStep, r.rerunOf, r.tags, r.archivedAt, r.runGroup`;
export const TABLE_BASE_TYPES = {
  id: "text",
  name: "text",
  state: "text",
  sweepId: "text",
  sweepName: "text",
  createdAt: "time",
  startedAt: "time",
  finishedAt: "time",
  lastStep: "number",
  rerunOf: "text",
  tags: "text",
  archivedAt: "time",
  runGroup: "text",
} as const;

/**
 * The value columns c0, c1, … of the table's chosen columns (fixed ones come with the base), and
 * beside each summary column n0, n1, …: the step its metric first went NaN/Inf, so that a last
 * value stored as null reads NaN (sweeps/summary.ts shownSummaryValue).
 */
export function valueColumns(columns: readonly string[], jsonSql: (field: string) => string = fieldJsonSql): { sql: string; types: Record<string, "json"> } {
  const types: Record<string, "json"> = {};
  let sql = "";
  columns.forEach((c, i) => {
    if (c in FIXED_SQL) return;
    sql += `, ${jsonSql(c)} AS c${i}`;
    types[`c${i}`] = "json";
    if (!c.startsWith("summary.")) return;
    sql += `, ${jsonSql(`summary.${firstNonfiniteKey(c.slice("summary.".length))}`)} AS n${i}`;
    types[`n${i}`] = "json";
  });
  return { sql, types };
}

export interface TableSqlInput extends WhereInput {
  columns: readonly string[];
  sort: { field: string; desc: boolean };
}

/** One page of the table's rows, in the view's order. */
export function tablePageQuery(q: TableSqlInput, limit: number, offset: number) {
  const w = whereSql(q);
  const v = valueColumns(q.columns);
  return query(`SELECT ${TABLE_BASE}${v.sql} FROM Run r ${w.sql} ${orderSql(q.sort)} LIMIT ? OFFSET ?`, [...w.args, limit, offset], { ...TABLE_BASE_TYPES, ...v.types });
}

/**
 * Every matching run with the key of the row it folds into: its configuration (its sweep and
 * config without the seed) for seed replicates, or its run group (a run without one alone).
 */
export function tableGroupQuery(q: TableSqlInput, by: "seeds" | "runs" = "seeds") {
  const w = whereSql(q);
  const v = valueColumns(q.columns);
  const key = by === "runs" ? `coalesce('g:' || r.runGroup, 'r:' || r.id)` : `coalesce(r.sweepId, '') || json_remove(r.config, '$.seed')`;
  return query(
    `SELECT ${TABLE_BASE}${v.sql}, ${key} AS configKey FROM Run r ${w.sql} ${orderSql(q.sort)}`,
    w.args,
    { ...TABLE_BASE_TYPES, ...v.types, configKey: "text" },
  );
}

export function runCountQuery(q: WhereInput) {
  const w = whereSql(q);
  return query(`SELECT count(*) AS n FROM Run r ${w.sql}`, w.args, { n: "number" });
}

/** How many runs a view holds and when its newest was created (what the live table compares, poll to poll, to know that runs came or went), and how many runs there are in all. */
export function viewStampQuery(q: WhereInput, countAll: boolean) {
  const w = whereSql(q);
  const all = countAll ? "(SELECT count(*) FROM Run)" : "NULL";
  return query(`SELECT count(*) AS n, max(r.createdAt) AS newest, ${all} AS "all" FROM Run r ${w.sql}`, w.args, { n: "number", newest: "time", all: "number" });
}

/** Config and summary keys of the most recent 2,000 runs in view, and how many values each config key takes. */
export function tableKeysQueries(sweepId?: string, project?: string) {
  const w = whereSql({ sweepId, project });
  const scope = `SELECT config, summary FROM Run r ${w.sql} ORDER BY createdAt DESC LIMIT 2000`;
  const args = w.args;
  return {
    config: query(`SELECT j.key AS key, count(DISTINCT j.value) AS n FROM (${scope}) r, json_each(r.config) j GROUP BY j.key`, args, { key: "text", n: "number" }),
    summary: query(`SELECT DISTINCT j.key AS key FROM (${scope}) r, json_each(r.summary) j`, args, { key: "text" }),
  };
}

// --- run listings (listRuns) ---------------------------------------------------------------

/** The ids of one page of runs in the listing's order. */
export function listIdsQuery(q: WhereInput, sort: { field: string; desc: boolean }, limit: number, offset: number) {
  const w = whereSql(q);
  return query(`SELECT r.id AS id FROM Run r ${w.sql} ${orderSql(sort)} LIMIT ? OFFSET ?`, [...w.args, limit, offset], { id: "text" });
}

export const LISTED_TYPES = {
  id: "text",
  name: "text",
  sweepId: "text",
  index: "number",
  state: "text",
  params: "text",
  summary: "text",
  error: "text",
  divergedAt: "number",
  lastStep: "number",
  claimedBy: "text",
  pid: "number",
  heartbeatAt: "time",
  stopRequested: "bool",
  rerunOf: "text",
  forkOf: "text",
  forkStep: "number",
  runGroup: "text",
  createdAt: "time",
  startedAt: "time",
  finishedAt: "time",
  ingestSeq: "number",
  clientSeq: "number",
  checkpointStep: "number",
  interruptions: "number",
  tags: "text",
  notes: "text",
  archivedAt: "time",
  kind: "text",
  project: "text",
} as const;

/** Those runs' rows (all but the config), in the order of `ids`. */
export function listRowsQuery(ids: readonly string[]) {
  const columns = Object.keys(LISTED_TYPES).map((c) => (c === "index" ? `r."index" AS "index"` : `r.${c} AS ${c}`)).join(", ");
  // CROSS JOIN keeps json_each as the outer loop: rows come out in the ids' order.
  return query(`SELECT ${columns} FROM json_each(?) j CROSS JOIN Run r ON r.id = j.value`, [JSON.stringify(ids)], LISTED_TYPES);
}

/** Those runs' configs (JSON text). */
export function configsQuery(ids: readonly string[]) {
  return query(`SELECT id, config FROM Run WHERE id IN (SELECT value FROM json_each(?))`, [JSON.stringify(ids)], { id: "text", config: "text" });
}

/** A live view's runs (a sweep's, or the given ids) in creation order: the narrow listing polled on every tick. */
export function runBriefsQuery(view: { sweepId?: string; ids?: readonly string[] }, limit: number) {
  const w = whereSql({ sweepId: view.sweepId, ids: view.ids });
  return query(`SELECT r.id, r.name, r.state, r.startedAt FROM Run r ${w.sql} ORDER BY r.createdAt, r."index", r.id LIMIT ?`, [...w.args, limit], {
    id: "text",
    name: "text",
    state: "text",
    startedAt: "time",
  });
}
