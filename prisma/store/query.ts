import * as z from "zod";
import { RUN_STATES, RunState } from "../../sweeps/states";
import { KEY_PATTERN, KEY_RULE, unquoteFilterColumn } from "../../sweeps/names";
import { Project } from "../../sweeps/logging-api";
import { toRunRecord, type RunRecord } from "./records";
import { ArchivedParam, TagsParam } from "./housekeeping";
import { selectRows } from "./sql";
import { dialectSql } from "./sql-dialect";
import { DERIVED_SQL, FIXED_SQL } from "./sql-sqlite";

// Listing runs with filters and sort on any column: the runs table, the API and the CSV
// export all go through listRuns. A column is one of the fixed ones (name, state, ...) or
// `config.<key>` / `summary.<key>` / `params.<key>` (W&B-style keys such as `val/loss` work,
// sweeps/names.ts) or a curve-derived `derived.<name>`; keys are checked against a pattern and
// values are bound as parameters, so nothing a user types reaches the SQL text. The SQL itself
// is in sql-sqlite.ts and its twin sql-postgres.ts (the column names are the same in both).

export type FixedField = keyof typeof FIXED_SQL;
export const FIXED_FIELDS = Object.keys(FIXED_SQL) as FixedField[];
export const isFixedField = (f: string): f is FixedField => f in FIXED_SQL;
export const DERIVED_FIELDS = Object.keys(DERIVED_SQL) as (keyof typeof DERIVED_SQL)[];

const JSON_SOURCES = ["config", "summary", "params"];

/** A column: as the table names it (`summary.val loss`), or with its key quoted as a filter writes it (`summary."val loss"`). */
export const RunField = z.string().transform(unquoteFilterColumn).superRefine((f, ctx) => {
  if (isFixedField(f)) return;
  const dot = f.indexOf(".");
  const [source, key] = [f.slice(0, dot), f.slice(dot + 1)];
  if (dot > 0 && JSON_SOURCES.includes(source) && KEY_PATTERN.test(key)) return;
  if (source === "derived" && key in DERIVED_SQL) return;
  ctx.addIssue({
    code: "custom",
    message: `unknown column "${f}": use one of ${FIXED_FIELDS.join(", ")}, config.<key>, summary.<key> (keys: ${KEY_RULE}) or ${DERIVED_FIELDS.map((k) => `derived.${k}`).join(", ")}`,
  });
});

export const FILTER_OPS = ["=", "!=", "<", "<=", ">", ">=", "~"] as const;
type FilterOp = (typeof FILTER_OPS)[number];
const OPERATOR = /^(!=|<=|>=|=|<|>|~)/;
const ORDERING: readonly string[] = ["<", "<=", ">", ">="];
/** Two operators typed in a row, and the one meant: `config.cell==lstm` is config.cell=lstm. */
const MEANT: Record<string, FilterOp> = { "==": "=", "!==": "!=", "<==": "<=", ">==": ">=", "=<": "<=", "=>": ">=", "<>": "!=", "=!": "!=", "~=": "~", "=~": "~" };
/** Fixed columns of numbers and of times: their SQL types compare with nothing else (PostgreSQL fails on `step>abc`). */
const NUMBER_FIELDS: readonly string[] = ["index", "step", "runtime"];
const TIME_FIELDS: readonly string[] = ["created", "started", "finished"];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Why a filter's value cannot be meant, or null: none typed, a second operator, or a value the
 * column cannot compare with — a number for <, <=, >, >= and a number column, a time for a time
 * column. Strings and booleans are values for = and != of config, summary and params keys
 * (config.cell=lstm), text (`name>b`) for text columns, and `~` takes any text.
 */
function filterValueProblem(column: string, field: string, op: FilterOp, raw: string, value: string | number | boolean): string | null {
  if (raw === "") return `a value is needed after ${op}`;
  const lead = OPERATOR.exec(raw)?.[1];
  const rest = lead ? raw.slice(lead.length).trim() : "";
  // (a value may start with an operator's character where it means no number: config.pad=<unk>, name~!)
  if (lead && (lead === "=" || ORDERING.includes(op) || (op !== "~" && rest !== "" && Number.isFinite(Number(rest))))) {
    const meant = MEANT[op + lead];
    return `${op}${lead} is two operators in a row: ${meant ? `did you mean ${column}${meant}${rest}?` : "write one of = != < <= > >= ~ between column and value"}`;
  }
  if (op === "~") return null;
  const isNumber = typeof value === "number";
  if (NUMBER_FIELDS.includes(field) || field.startsWith("derived.")) return isNumber ? null : `${field} holds numbers, and "${raw}" is not one`;
  if (TIME_FIELDS.includes(field)) return typeof value === "string" && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? null : `${field} is a time, and "${raw}" is not one: write e.g. 2026-01-31 or 2026-01-31T12:00:00Z`;
  if (ORDERING.includes(op) && !isFixedField(field) && !isNumber) return `${op} compares numbers, and "${raw}" is not one (Infinity and -Infinity are; = and != take text and true/false too)`;
  return null;
}

/**
 * A filter as written in a URL: `summary.val_loss<2`, `config.cell=lstm`, `name~river`, and a key
 * with spaces quoted, `summary."val loss"<2` (as the table writes it, sweeps/names.ts
 * filterColumn) or not, `summary.val loss<2`. The value is the rest, as typed; one that cannot be
 * meant (filterValueProblem) is an error naming the filter, never a filter that matches nothing.
 */
export const RunFilter = z.string().transform((text, ctx) => {
  // the column is everything up to the operator (names never hold = ! < > ~ or ", sweeps/names.ts)
  const m = /^([^=!<>~]+?)\s*(!=|<=|>=|=|<|>|~)\s*(.*)$/.exec(text.trim());
  if (!m) {
    ctx.addIssue({ code: "custom", message: `cannot read filter "${text}": write column, operator (= != < <= > >= ~) and value, e.g. summary.val_loss<2 or summary."val loss"<2` });
    return z.NEVER;
  }
  const field = RunField.safeParse(m[1]);
  if (!field.success) {
    ctx.addIssue({ code: "custom", message: field.error.issues[0].message });
    return z.NEVER;
  }
  const op = m[2] as FilterOp;
  const raw = m[3].trim();
  // "Infinity" as the table and the CSV write an infinite number (a stored summary's); = and != also
  // match the string "Infinity", which the clients store for an infinite config value (sql-*.ts)
  const value: string | number | boolean =
    raw === "true" ? true : raw === "false" ? false : raw === "Infinity" || raw === "-Infinity" ? Number(raw) : raw !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  const problem = filterValueProblem(m[1].trim(), field.data, op, raw, value);
  if (problem) {
    ctx.addIssue({ code: "custom", message: `${text.trim()}: ${problem}` });
    return z.NEVER;
  }
  return { field: field.data, op, value, text: text.trim() };
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
  /** Runs carrying every one of these tags. */
  tags?: string[];
  /** Archived runs: hidden, shown too, or alone (absent: shown too). */
  archived?: "hide" | "include" | "only";
  /** Runs of this project only. */
  project?: string;
}

export interface RunPage {
  runs: RunRecord[];
  total: number;
}

/**
 * An engine run's config never changes after the run is created (its worker was started with
 * it), and it is most of a listed row's bytes: listings keep those parsed (frozen, shared) and
 * read only the ones not seen yet. A program run's config grows as its program updates it
 * (the logging API's config events, `wandb.config.update`), so it is read every time.
 */
const configCache = new Map<string, Readonly<Record<string, unknown>>>();
const CONFIG_CACHE_LIMIT = 200_000;

async function configsOf(rows: readonly { id: string | null; kind: string | null }[]): Promise<Map<string, Readonly<Record<string, unknown>>>> {
  const fresh = new Map<string, Readonly<Record<string, unknown>>>();
  const missing = rows.filter((r) => r.kind !== "engine" || !configCache.has(r.id!));
  if (missing.length > 0) {
    const engine = new Set(missing.filter((r) => r.kind === "engine").map((r) => r.id!));
    if (configCache.size + engine.size > CONFIG_CACHE_LIMIT) configCache.clear();
    for (const { id, config } of await selectRows(dialectSql().configsQuery(missing.map((r) => r.id!)))) {
      const parsed = Object.freeze(JSON.parse(config!) as Record<string, unknown>);
      if (engine.has(id!)) configCache.set(id!, parsed);
      else fresh.set(id!, parsed);
    }
  }
  for (const r of rows) if (r.kind === "engine" && configCache.has(r.id!)) fresh.set(r.id!, configCache.get(r.id!)!);
  return fresh;
}

export async function listRuns(q: ListRunsQuery = {}): Promise<RunPage> {
  const sort = q.sort ?? { field: "created", desc: true };
  const limit = Math.min(Math.max(q.limit ?? 100_000, 0), 100_000);
  const offset = Math.max(q.offset ?? 0, 0);
  // Two passes: order the page's ids (a sort of small records; sorting whole rows with their
  // JSON would spill SQLite's sorter), then fetch those rows and put them in that order.
  // NULLs last in either direction; ties broken by creation time and id (a stable order).
  const ids = (await selectRows(dialectSql().listIdsQuery(q, sort, limit, offset))).map((r) => r.id!);
  const rows = await selectRows(dialectSql().listRowsQuery(ids));
  const configs = await configsOf(rows);
  const now = Date.now();
  const runs = rows.map((r) => toRunRecord(r, now, configs.get(r.id!)));
  const total = ids.length < limit && (offset === 0 || ids.length > 0) ? offset + ids.length : ((await selectRows(dialectSql().runCountQuery(q)))[0].n ?? 0);
  return { runs, total };
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
  tag: TagsParam.optional(),
  archived: ArchivedParam.optional(),
  project: Project.optional(),
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
    tags: p.tag,
    project: p.project,
    // archived runs are hidden unless asked for, or named by id
    archived: p.archived ?? (p.ids ? "include" : "hide"),
  };
}
