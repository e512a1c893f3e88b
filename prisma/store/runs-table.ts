import * as z from "zod";
import { isKey } from "../../sweeps/names";
import { meanCi, type Stat } from "../../sweeps/stats";
import { RUN_STATES, type RunState } from "../../sweeps/states";
import { shownSummaryValue, type SummaryValue } from "../../sweeps/summary";
import { ArchivedParam, TagsParam } from "./housekeeping";
import { Project } from "../../sweeps/logging-api";
import { isFixedField, RunField, RunFilter } from "./query";
import { csvHeader, tagsCell, toCsv } from "./csv";
import { parseTags } from "./records";
import { selectRows, type TypedRow } from "./sql";
import { dialectSql } from "./sql-dialect";
import type { tablePageQuery } from "./sql-sqlite";

// The runs table's reads: only the columns shown (narrow rows, so 10,000 runs sort in SQLite
// quickly), curve-derived columns computed in SQL so they sort and filter like any other,
// and seed replicates folded into one row per configuration with mean ± 95% interval.
//
// Columns: the fixed ones (name, state, ...), config.<key>, summary.<key> and
//   derived.train_val_gap         final val_loss − final train_loss
//   derived.first_nonfinite_step  the first step any metric was NaN/Inf
// (best val_loss and its step are summary.val_loss_best / summary.val_loss_best_step).
//
// Every value comes back typed (sql.ts): config, params and summary values as JSON text,
// parsed in one place, so 0.25 is never read as 0 and true never as 1. Sorting and filtering
// stay numeric, in SQL (sql-sqlite.ts, sql-postgres.ts).

export const TableField = RunField;
export const TableFilter = RunFilter;
export type TableFilter = RunFilter;

const list = <T extends z.ZodType<string, string>>(item: T) => z.string().transform((s) => s.split(",").filter(Boolean)).pipe(z.array(item));

/** The runs table's query string (page, JSON API and CSV export share it). */
export const RunsTableParams = z.strictObject({
  sweep: z.string().regex(/^[0-9a-z]{4,32}$/, "must be a sweep id").optional(),
  state: list(z.enum(RUN_STATES, { message: `must be one of ${RUN_STATES.join(", ")}` })).optional(),
  filter: z.array(TableFilter).optional(),
  sort: z
    .string()
    .transform((s, ctx) => {
      const desc = s.startsWith("-");
      const field = TableField.safeParse(desc ? s.slice(1) : s);
      if (!field.success) {
        ctx.addIssue({ code: "custom", message: field.error.issues[0].message });
        return z.NEVER;
      }
      return { field: field.data, desc };
    })
    .optional(),
  columns: list(TableField).optional(),
  group: z.enum(["seeds", "runs", "tags", "none"], { message: "must be seeds, runs, tags or none" }).optional(),
  ids: list(z.string().regex(/^[0-9a-z]{4,32}$/)).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  tag: TagsParam.optional(),
  archived: ArchivedParam.optional(),
  project: Project.optional(),
});
export type RunsTableParams = z.output<typeof RunsTableParams>;

export interface TableQuery {
  sweepId?: string;
  states?: RunState[];
  filters?: TableFilter[];
  sort?: { field: string; desc: boolean };
  columns: string[];
  groupSeeds?: boolean;
  /** Fold runs by their run group instead (W&B's group). */
  groupRuns?: boolean;
  /** Or one row per tag: a run with several tags is a member of each tag's row (untagged runs share one). */
  groupTags?: boolean;
  ids?: string[];
  limit?: number;
  offset?: number;
  tags?: string[];
  archived?: "hide" | "include" | "only";
  /** Runs of this project only. */
  project?: string;
}

export type { Stat };
export { meanCi };

export interface TableRow {
  id: string;
  name: string;
  state: RunState;
  sweepId: string | null;
  sweepName: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  runtime: number | null;
  lastStep: number;
  /** the run this one re-runs (same config and seed), if it is a re-run */
  rerunOf: string | null;
  /** the user's tags (housekeeping.ts), and whether it is archived */
  tags: string[];
  archived: boolean;
  runGroup: string | null;
  /**
   * column → value: config values as stored (numbers, booleans, strings), summary and derived
   * numbers; null when absent. Non-finite numbers, which JSON cannot carry, are the strings
   * "Infinity", "-Infinity" and "NaN" (a metric whose last value was NaN: shownSummaryValue).
   */
  values: Record<string, unknown>;
  /** Set on a configuration row (seed replicates grouped). */
  group?: {
    /** A tag row's tag ("" for the untagged runs), and the name the row shows. */
    tag?: string;
    label?: string;
    count: number;
    states: Partial<Record<RunState, number>>;
    /** mean ± 95% interval of each numeric column across the seeds */
    stats: Record<string, Stat>;
    members: TableRow[];
  };
}

export interface TablePage {
  rows: TableRow[];
  /** Rows in the whole view (configurations when grouped). */
  total: number;
  /** Runs matching the filters. */
  runs: number;
  /** When the newest of them was created (null: none): with `runs`, the view's stamp (runsTableStamp). */
  newest: string | null;
}

type BaseRow = TypedRow<ReturnType<typeof tablePageQuery>["columns"]>;

function toRow(raw: BaseRow & Record<string, unknown>, columns: string[], now: number): TableRow {
  const values: Record<string, unknown> = {};
  columns.forEach((c, i) => {
    if (!isFixedField(c)) values[c] = c.startsWith("summary.") ? shownSummaryValue(raw[`c${i}`] as SummaryValue, raw[`n${i}`]) : (raw[`c${i}`] ?? null);
  });
  const { startedAt, finishedAt } = raw;
  return {
    id: raw.id!,
    name: raw.name!,
    state: raw.state as RunState,
    sweepId: raw.sweepId,
    sweepName: raw.sweepName,
    createdAt: raw.createdAt!,
    startedAt,
    finishedAt,
    runtime: startedAt ? Math.max(0, ((finishedAt ? Date.parse(finishedAt) : now) - Date.parse(startedAt)) / 1000) : null,
    lastStep: raw.lastStep ?? 0,
    rerunOf: raw.rerunOf,
    tags: parseTags(raw.tags),
    archived: raw.archivedAt !== null,
    runGroup: raw.runGroup,
    values,
  };
}

/** Fold runs that differ only in seed (same sweep) into configuration rows. */
export function groupReplicates(rows: (TableRow & { configKey: string })[], columns: string[]): TableRow[] {
  const groups = new Map<string, (TableRow & { configKey: string })[]>();
  for (const r of rows) {
    if (!groups.has(r.configKey)) groups.set(r.configKey, []);
    groups.get(r.configKey)!.push(r);
  }
  return [...groups.values()].map((members) => {
    const head = members[0];
    const stats: Record<string, Stat> = {};
    const values: Record<string, unknown> = {};
    for (const c of columns) {
      if (isFixedField(c)) continue;
      const vs = members.map((m) => m.values[c]);
      if (c === "config.seed" || c === "params.seed") {
        values[c] = null;
        continue;
      }
      if (vs.some((v) => typeof v === "number") && !c.startsWith("config.") && !c.startsWith("params.")) {
        stats[c] = meanCi(vs);
        values[c] = stats[c].mean;
      } else values[c] = vs.every((v) => JSON.stringify(v) === JSON.stringify(vs[0])) ? vs[0] : null;
    }
    const states: Partial<Record<RunState, number>> = {};
    for (const m of members) states[m.state] = (states[m.state] ?? 0) + 1;
    const runtimes = members.map((m) => m.runtime).filter((x): x is number => x !== null);
    const starts = members.map((m) => m.startedAt).filter((x): x is string => x !== null).sort();
    const ends = members.map((m) => m.finishedAt);
    // a row over several sweeps' runs (a tag's, a run group's) belongs to none of them
    const oneSweep = members.every((m) => m.sweepId === head.sweepId);
    return {
      ...head,
      sweepId: oneSweep ? head.sweepId : null,
      sweepName: oneSweep ? head.sweepName : null,
      // the configuration's span: its first start, and its last end once every seed has ended
      startedAt: starts[0] ?? null,
      finishedAt: ends.every((e) => e !== null) ? ([...ends].sort().at(-1) ?? null) : null,
      runtime: runtimes.length ? runtimes.reduce((a, b) => a + b, 0) / runtimes.length : null,
      tags: [...new Set(members.flatMap((m) => m.tags))],
      archived: members.every((m) => m.archived),
      values,
      group: { count: members.length, states, stats, members: members.map(({ configKey: _k, ...m }) => m) },
    } as TableRow;
  });
}

/**
 * One row per tag, each holding every run that carries it (so a run with two tags is in two
 * rows: W&B refuses to group by tags for that reason, and a tag's mean over all its runs is
 * what a person grouping by tag asks for), then one row of the untagged runs. `runs` in the
 * page still counts each run once.
 */
function groupByTag(rows: TableRow[], columns: string[]): TableRow[] {
  const byTag = rows.flatMap((r) => (r.tags.length ? r.tags : [""]).map((tag) => ({ ...r, configKey: tag })));
  // groupReplicates keeps the order in which each key first appears
  const tags = [...new Set(byTag.map((r) => r.configKey))];
  return groupReplicates(byTag, columns).map((row, i) => ({ ...row, group: { ...row.group!, tag: tags[i], label: tags[i] || "(no tag)" } }));
}

/** A value as SQL orders it: JSON booleans are 0/1, ±Infinity numbers; NaN and absent are missing. */
function sortKey(v: unknown): number | string | null {
  if (v === null || v === undefined || v === "NaN" || (typeof v === "number" && Number.isNaN(v))) return null;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return typeof v === "number" ? v : String(v);
}

/** SQLite's order: missing last either way, numbers before text, numbers numerically. */
function compare(a: unknown, b: unknown, desc: boolean): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  if (ka === null || kb === null) return ka === kb ? 0 : ka === null ? 1 : -1;
  const c =
    typeof ka === "number" && typeof kb === "number" ? (ka === kb ? 0 : ka < kb ? -1 : 1)
    : typeof ka === "number" ? -1
    : typeof kb === "number" ? 1
    : ka < kb ? -1 : ka > kb ? 1 : 0;
  return desc ? -c : c;
}

/** One page of the runs table (or every configuration row when grouping seeds). */
export async function queryRunsTable(q: TableQuery): Promise<TablePage> {
  const sort = q.sort ?? { field: "created", desc: true };
  const input = { ...q, sort };
  const now = Date.now();
  if (!q.groupSeeds && !q.groupRuns && !q.groupTags) {
    const limit = Math.min(Math.max(q.limit ?? 200, 0), 100_000);
    const rows = await selectRows(dialectSql().tablePageQuery(input, limit, q.offset ?? 0));
    const [{ n, newest }] = await selectRows(dialectSql().viewStampQuery(q, false));
    const runs = n ?? 0;
    return { rows: rows.map((r) => toRow(r, q.columns, now)), total: runs, runs, newest };
  }
  // Seeds grouped: fetch every matching run (narrow rows), fold, sort the configurations.
  const rows = await selectRows(dialectSql().tableGroupQuery(input, q.groupSeeds ? "seeds" : "runs"));
  const all = rows.map((r) => ({ ...toRow(r, q.columns, now), configKey: r.configKey ?? "" }));
  const grouped = q.groupTags ? groupByTag(all, q.columns) : groupReplicates(all, q.columns);
  const sortOf = (row: TableRow): unknown => {
    switch (sort.field) {
      case "runtime": return row.runtime;
      case "name": return row.name;
      case "state": return row.state;
      case "step": return row.lastStep;
      case "created": return row.createdAt;
      case "started": return row.startedAt;
      case "finished": return row.finishedAt;
      case "rerun_of": return row.rerunOf;
      case "id": case "sweep": case "index": return row.id;
    }
    if (row.group?.stats[sort.field]) return row.group.stats[sort.field].mean;
    return row.values[sort.field];
  };
  // Configurations whose sort column is not shown are ordered by their first member (SQL order).
  if (q.columns.includes(sort.field) || isFixedField(sort.field)) grouped.sort((a, b) => compare(sortOf(a), sortOf(b), sort.desc));
  const offset = q.offset ?? 0;
  const limit = q.limit ?? grouped.length;
  const newest = all.reduce<string | null>((max, r) => (max === null || r.createdAt > max ? r.createdAt : max), null);
  return { rows: grouped.slice(offset, offset + limit), total: grouped.length, runs: rows.length, newest };
}

/**
 * How many runs match a view (its sweep, states, filters, tags, project, archived) and when
 * the newest was created, as a page's `runs` and `newest` count them; and how many runs there
 * are in all (which a page's read does not count). One count, no rows: the live table polls it
 * and reads its pages again only when it moves (a run created, deleted, archived, or its values
 * now in or out of a filter).
 */
export async function runsTableStamp(q: Omit<TableQuery, "columns">): Promise<{ runs: number; newest: string | null; all: number }> {
  const [stamp] = await selectRows(dialectSql().viewStampQuery(q, true));
  return { runs: stamp.n ?? 0, newest: stamp.newest, all: stamp.all ?? 0 };
}

export interface TableColumnInfo {
  /** Config keys present, and those whose values differ between runs. */
  config: string[];
  varying: string[];
  summary: string[];
}

/** Which columns exist for the runs in view (from the most recent 2,000, so it stays cheap); keys no column can name are left out. */
export async function tableColumns(q: { sweepId?: string; project?: string } = {}): Promise<TableColumnInfo> {
  const queries = dialectSql().tableKeysQueries(q.sweepId, q.project);
  const config = (await selectRows(queries.config)).filter((r) => isKey(r.key ?? ""));
  const summary = (await selectRows(queries.summary)).map((r) => r.key ?? "").filter((k) => isKey(k) && !k.startsWith("_"));
  return {
    config: config.map((r) => r.key!),
    varying: config.filter((r) => (r.n ?? 0) > 1).map((r) => r.key!),
    summary: summary.sort(),
  };
}

/** Columns that say which run a CSV row is, before the chosen ones. */
const IDENTITY = ["name", "id"];
/** The run's housekeeping, after the chosen ones (unless chosen, then where the table shows it). */
const HOUSEKEEPING = ["started", "finished", "tags", "group"];

/**
 * The table as CSV, as shown: the run's name and id (and on configuration rows the number of
 * runs), then the chosen columns in the table's order, then its start, finish, tags and run
 * group (W&B's group); configuration rows give each numeric column's mean and its 95% interval.
 * Headers as csv.ts names them.
 */
export function tableToCsv(rows: TableRow[], columns: string[], grouped: boolean): string {
  const shown = columns.filter((c) => !IDENTITY.includes(c));
  const housekeeping = HOUSEKEEPING.filter((c) => !shown.includes(c));
  const withCi = new Set(shown.filter((c) => grouped && rows.some((r) => r.group?.stats[c])));
  const header: string[] = [...IDENTITY, ...(grouped ? ["runs"] : [])];
  for (const c of shown) {
    header.push(csvHeader(c));
    if (withCi.has(c)) header.push(`${csvHeader(c)} ±95%`);
  }
  header.push(...housekeeping);
  const body = rows.map((r) => {
    const line: unknown[] = [r.group?.label ?? r.name, r.id, ...(grouped ? [r.group?.count ?? 1] : [])];
    for (const c of shown) {
      line.push(fixedCell(r, c) ?? r.values[c]);
      if (withCi.has(c)) line.push(r.group?.stats[c]?.ci95 ?? null);
    }
    for (const c of housekeeping) line.push(fixedCell(r, c));
    return line;
  });
  return toCsv(header, body);
}

/** The value of a fixed column in a row (undefined for the others). */
function fixedCell(r: TableRow, c: string): unknown {
  switch (c) {
    case "state": return r.group ? Object.entries(r.group.states).map(([s, n]) => `${s}×${n}`).join(" ") : r.state;
    case "sweep": return r.sweepId;
    case "created": return r.createdAt;
    case "started": return r.startedAt;
    case "finished": return r.finishedAt;
    case "tags": return tagsCell(r.tags);
    // a configuration row's group when its runs share one
    case "group": return r.group && r.group.members.some((m) => m.runGroup !== r.runGroup) ? null : r.runGroup;
    // in full: a run's is whole milliseconds already (12.899), a configuration's the mean of its runs' (12.899666…)
    case "runtime": return r.runtime;
    case "step": return r.lastStep;
    case "rerun_of": return r.rerunOf;
    case "index": return null;
  }
  return undefined;
}
