import { z } from "zod";
import { reader } from "../client";
import { RUN_STATES, RunState } from "../../sweeps/states";
import { num, toRunRecord, type RawRow, type RunRecord } from "./records";

// Listing runs with filters and sort on any column: the runs table, the API and the CSV
// export all go through listRuns. A column is one of the fixed ones (name, state, ...) or
// `config.<key>` / `summary.<key>`; keys are checked against a pattern and values are bound
// as parameters, so nothing a user types reaches the SQL text.

const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const FIXED_FIELDS = {
  id: `r.id`,
  name: `r.name`,
  state: `r.state`,
  sweep: `r.sweepId`,
  index: `r."index"`,
  created: `r.createdAt`,
  started: `r.startedAt`,
  finished: `r.finishedAt`,
  step: `r.lastStep`,
  runtime: `((julianday(coalesce(r.finishedAt, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))) - julianday(r.startedAt)) * 86400.0)`,
} as const;
export type FixedField = keyof typeof FIXED_FIELDS;
export const isFixedField = (f: string): f is FixedField => f in FIXED_FIELDS;

/** Curve-derived columns, computed in SQL so they sort and filter like any other. */
export const DERIVED_FIELDS = {
  /** final val_loss − final train_loss */
  train_val_gap: `(json_extract(r.summary, '$.val_loss') - json_extract(r.summary, '$.train_loss'))`,
  /** the first step any metric was NaN/Inf */
  first_nonfinite_step: `(SELECT min(j.value) FROM json_each(r.summary) j WHERE j.key LIKE '%\\_first\\_nonfinite\\_step' ESCAPE '\\')`,
} as const;

const JSON_SOURCES = ["config", "summary", "params"];

export const RunField = z.string().superRefine((f, ctx) => {
  if (f in FIXED_FIELDS) return;
  const dot = f.indexOf(".");
  const [source, key] = [f.slice(0, dot), f.slice(dot + 1)];
  if (JSON_SOURCES.includes(source) && KEY.test(key)) return;
  if (source === "derived" && key in DERIVED_FIELDS) return;
  ctx.addIssue({
    code: "custom",
    message: `unknown column "${f}": use one of ${Object.keys(FIXED_FIELDS).join(", ")}, config.<key>, summary.<key> or ${Object.keys(DERIVED_FIELDS).map((k) => `derived.${k}`).join(", ")}`,
  });
});

/** The SQL expression of a column (of `Run r`); only for names RunField accepted. */
export function fieldSql(field: string): string {
  if (field in FIXED_FIELDS) return FIXED_FIELDS[field as FixedField];
  const dot = field.indexOf(".");
  const [source, key] = [field.slice(0, dot), field.slice(dot + 1)];
  if (source === "derived" && key in DERIVED_FIELDS) return DERIVED_FIELDS[key as keyof typeof DERIVED_FIELDS];
  if (!KEY.test(key) || !JSON_SOURCES.includes(source)) throw new Error(`bad column ${field}`);
  return `json_extract(r.${source}, '$.${key}')`;
}

export const FILTER_OPS = ["=", "!=", "<", "<=", ">", ">=", "~"] as const;
/** A filter as written in a URL: `summary.val_loss<2`, `config.cell=lstm`, `name~river`. */
export const RunFilter = z.string().transform((text, ctx) => {
  const m = /^([A-Za-z_][A-Za-z0-9_.]*)\s*(!=|<=|>=|=|<|>|~)\s*(.*)$/.exec(text.trim());
  if (!m) {
    ctx.addIssue({ code: "custom", message: `cannot read filter "${text}": write column, operator (= != < <= > >= ~) and value, e.g. summary.val_loss<2` });
    return z.NEVER;
  }
  const field = RunField.safeParse(m[1]);
  if (!field.success) {
    ctx.addIssue({ code: "custom", message: field.error.issues[0].message });
    return z.NEVER;
  }
  const raw = m[3].trim();
  const value: string | number | boolean =
    raw === "true" ? true : raw === "false" ? false : raw !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return { field: m[1], op: m[2] as (typeof FILTER_OPS)[number], value, text: text.trim() };
});
export type RunFilter = z.output<typeof RunFilter>;

export const RunSort = z.string().transform((text, ctx) => {
  const desc = text.startsWith("-");
  const field = RunField.safeParse(desc ? text.slice(1) : text);
  if (!field.success) {
    ctx.addIssue({ code: "custom", message: field.error.issues[0].message });
    return z.NEVER;
  }
  return { field: field.data, desc };
});
export type RunSort = z.output<typeof RunSort>;

export interface ListRunsQuery {
  sweepId?: string;
  states?: RunState[];
  filters?: RunFilter[];
  sort?: RunSort;
  limit?: number;
  offset?: number;
  ids?: string[];
}

/** The WHERE clause (of `Run r`) for a sweep, states, ids and column filters. */
export function whereClause(q: Pick<ListRunsQuery, "sweepId" | "states" | "ids" | "filters">): { sql: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  if (q.sweepId) {
    parts.push(`r.sweepId = ?`);
    args.push(q.sweepId);
  }
  if (q.states && q.states.length > 0) {
    parts.push(`r.state IN (${q.states.map(() => "?").join(",")})`);
    args.push(...q.states);
  }
  if (q.ids) {
    if (q.ids.length === 0) parts.push("0");
    else {
      parts.push(`r.id IN (${q.ids.map(() => "?").join(",")})`);
      args.push(...q.ids);
    }
  }
  for (const f of q.filters ?? []) {
    const expr = fieldSql(f.field);
    if (f.op === "~") {
      parts.push(`CAST(${expr} AS TEXT) LIKE ? ESCAPE '\\'`);
      args.push(`%${String(f.value).replace(/[\\%_]/g, (c) => "\\" + c)}%`);
    } else {
      const value = typeof f.value === "boolean" ? (f.value ? 1 : 0) : f.value;
      parts.push(f.op === "!=" ? `(${expr} IS NULL OR ${expr} != ?)` : `${expr} ${f.op} ?`);
      args.push(value);
    }
  }
  return { sql: parts.length ? `WHERE ${parts.join(" AND ")}` : "", args };
}

export interface RunPage {
  runs: RunRecord[];
  total: number;
}

const LISTED_COLUMNS = `r.id, r.name, r.sweepId, r."index", r.state, r.params, r.summary, r.error, r.divergedAt,
  r.lastStep, r.claimedBy, r.pid, r.heartbeatAt, r.stopRequested, r.rerunOf, r.createdAt, r.startedAt, r.finishedAt`;

/**
 * A run's config never changes after the run is created, and it is most of a listed row's
 * bytes: listings keep the parsed configs (frozen, shared) and read only the ones not seen yet.
 */
const configCache = new Map<string, Readonly<Record<string, unknown>>>();
const CONFIG_CACHE_LIMIT = 200_000;

function configsOf(db: ReturnType<typeof reader>, ids: string[]): Map<string, Readonly<Record<string, unknown>>> {
  const missing = ids.filter((id) => !configCache.has(id));
  if (missing.length > 0) {
    if (configCache.size + missing.length > CONFIG_CACHE_LIMIT) configCache.clear();
    const rows = db.prepare(`SELECT id, config FROM Run WHERE id IN (SELECT value FROM json_each(?))`).raw().all(JSON.stringify(missing)) as [string, string][];
    for (const [id, text] of rows) configCache.set(id, Object.freeze(JSON.parse(text) as Record<string, unknown>));
  }
  return configCache;
}

export async function listRuns(q: ListRunsQuery = {}): Promise<RunPage> {
  const db = reader();
  const where = whereClause(q);
  const sort = q.sort ?? { field: "created", desc: true };
  const expr = fieldSql(sort.field);
  const limit = Math.min(Math.max(q.limit ?? 100_000, 0), 100_000);
  const offset = Math.max(q.offset ?? 0, 0);
  // Two passes: order the page's ids (a sort of small records; sorting whole rows with their
  // JSON would spill SQLite's sorter), then fetch those rows and put them in that order.
  // NULLs last in either direction; ties broken by creation time and id (a stable order).
  const ids = db
    .prepare(`SELECT r.id FROM Run r ${where.sql} ORDER BY (${expr} IS NULL), ${expr} ${sort.desc ? "DESC" : "ASC"}, r.createdAt DESC, r.id LIMIT ? OFFSET ?`)
    .pluck()
    .all(...where.args, limit, offset) as string[];
  // CROSS JOIN keeps json_each as the outer loop: rows come out in the ids' order.
  const rows = db.prepare(`SELECT ${LISTED_COLUMNS} FROM json_each(?) j CROSS JOIN Run r ON r.id = j.value`).all(JSON.stringify(ids)) as RawRow[];
  const configs = configsOf(db, ids);
  const total =
    ids.length < limit && (offset === 0 || ids.length > 0)
      ? offset + ids.length
      : num((db.prepare(`SELECT count(*) AS n FROM Run r ${where.sql}`).get(...where.args) as { n: number }).n);
  const now = Date.now();
  return { runs: rows.map((r) => toRunRecord(r, now, configs.get(r.id as string))), total };
}

/** The zod schema of the runs listing's query string, shared by the API, the page and CSV export. */
export const RunsQueryParams = z.strictObject({
  sweep: z.string().regex(/^[0-9a-z]{4,32}$/, "must be a sweep id").optional(),
  state: z
    .string()
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(z.enum(RUN_STATES, { message: `must be one of ${RUN_STATES.join(", ")}` })))
    .optional(),
  sort: RunSort.optional(),
  filter: z.array(RunFilter).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  ids: z
    .string()
    .transform((s) => s.split(",").filter(Boolean))
    .optional(),
  columns: z
    .string()
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(RunField))
    .optional(),
});
export type RunsQueryParams = z.output<typeof RunsQueryParams>;

export function toListRunsQuery(p: RunsQueryParams): ListRunsQuery {
  return {
    sweepId: p.sweep,
    states: p.state as RunState[] | undefined,
    sort: p.sort,
    filters: p.filter,
    limit: p.limit,
    offset: p.offset,
    ids: p.ids,
  };
}
