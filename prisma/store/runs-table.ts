import { z } from "zod";
import { prisma } from "../client";
import { RUN_STATES, type RunState } from "../../sweeps/states";
import { iso, num, type RawRow } from "./records";
import { fieldSql, FIXED_FIELDS, RunField, RunFilter, whereClause } from "./query";

// The runs table's reads: only the columns shown (narrow rows, so 10,000 runs sort in SQLite
// quickly), curve-derived columns computed in SQL so they sort and filter like any other,
// and seed replicates folded into one row per configuration with mean ± 95% interval.
//
// Columns: the fixed ones (name, state, ...), config.<key>, summary.<key> and
//   derived.train_val_gap         final val_loss − final train_loss
//   derived.first_nonfinite_step  the first step any metric was NaN/Inf
// (best val_loss and its step are summary.val_loss_best / summary.val_loss_best_step).

const FIXED = FIXED_FIELDS as Record<string, string>;
export const TableField = RunField;
export const tableFieldSql = fieldSql;
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
  group: z.enum(["seeds", "none"]).optional(),
  ids: list(z.string().regex(/^[0-9a-z]{4,32}$/)).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
export type RunsTableParams = z.output<typeof RunsTableParams>;

export interface TableQuery {
  sweepId?: string;
  states?: RunState[];
  filters?: TableFilter[];
  sort?: { field: string; desc: boolean };
  columns: string[];
  groupSeeds?: boolean;
  ids?: string[];
  limit?: number;
  offset?: number;
}

export interface Stat {
  mean: number | null;
  ci95: number | null;
  n: number;
}

export interface TableRow {
  id: string;
  name: string;
  state: RunState;
  sweepId: string | null;
  sweepName: string | null;
  createdAt: string;
  runtime: number | null;
  lastStep: number;
  /** column → value (config values, summary numbers, derived numbers). */
  values: Record<string, unknown>;
  /** Set on a configuration row (seed replicates grouped). */
  group?: {
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
}

const where = (q: TableQuery) => whereClause(q);

const BASE = `r.id, r.name, r.state, r.sweepId, (SELECT s.name FROM Sweep s WHERE s.id = r.sweepId) AS sweepName, r.createdAt, r.startedAt, r.finishedAt, r.lastStep`;

function toRow(raw: RawRow, columns: string[], now: number): TableRow {
  const startedAt = iso(raw.startedAt);
  const finishedAt = iso(raw.finishedAt);
  const values: Record<string, unknown> = {};
  columns.forEach((c, i) => {
    if (c in FIXED) return;
    const v = raw[`c${i}`];
    values[c] = typeof v === "bigint" ? Number(v) : v === undefined ? null : v;
  });
  return {
    id: raw.id as string,
    name: raw.name as string,
    state: raw.state as RunState,
    sweepId: (raw.sweepId as string | null) ?? null,
    sweepName: (raw.sweepName as string | null) ?? null,
    createdAt: iso(raw.createdAt)!,
    runtime: startedAt ? Math.max(0, ((finishedAt ? Date.parse(finishedAt) : now) - Date.parse(startedAt)) / 1000) : null,
    lastStep: num(raw.lastStep),
    values,
  };
}

export function meanCi(values: unknown[]): Stat {
  const xs = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { mean: null, ci95: null, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, ci95: null, n };
  const sd = Math.sqrt(xs.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const T = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086];
  const t = n - 1 <= T.length ? T[n - 2] : 1.96 + 2.4 / (n - 1);
  return { mean, ci95: (t * sd) / Math.sqrt(n), n };
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
      if (c in FIXED) continue;
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
    return {
      ...head,
      runtime: runtimes.length ? runtimes.reduce((a, b) => a + b, 0) / runtimes.length : null,
      values,
      group: { count: members.length, states, stats, members: members.map(({ configKey: _k, ...m }) => m) },
    } as TableRow;
  });
}

function compare(a: unknown, b: unknown, desc: boolean): number {
  const na = a === null || a === undefined || (typeof a === "number" && Number.isNaN(a));
  const nb = b === null || b === undefined || (typeof b === "number" && Number.isNaN(b));
  if (na || nb) return na === nb ? 0 : na ? 1 : -1; // missing last either way
  const c = typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
  return desc ? -c : c;
}

/** One page of the runs table (or every configuration row when grouping seeds). */
export async function queryRunsTable(q: TableQuery): Promise<TablePage> {
  const db = prisma();
  const w = where(q);
  const sort = q.sort ?? { field: "created", desc: true };
  const sortExpr = tableFieldSql(sort.field);
  const dir = sort.desc ? "DESC" : "ASC";
  const cols = q.columns.map((c, i) => (c in FIXED ? "" : `, ${tableFieldSql(c)} AS c${i}`)).join("");
  const order = `ORDER BY (${sortExpr} IS NULL), ${sortExpr} ${dir}, r.createdAt DESC, r.id`;
  const now = Date.now();
  if (!q.groupSeeds) {
    const limit = Math.min(Math.max(q.limit ?? 200, 0), 100_000);
    const [rows, count] = await Promise.all([
      db.$queryRawUnsafe(`SELECT ${BASE}${cols} FROM Run r ${w.sql} ${order} LIMIT ? OFFSET ?`, ...w.args, limit, q.offset ?? 0) as Promise<RawRow[]>,
      db.$queryRawUnsafe(`SELECT count(*) AS n FROM Run r ${w.sql}`, ...w.args) as Promise<{ n: bigint }[]>,
    ]);
    const total = num(count[0].n);
    return { rows: rows.map((r) => toRow(r, q.columns, now)), total, runs: total };
  }
  // Seeds grouped: fetch every matching run (narrow rows), fold, sort the configurations.
  const rows = (await db.$queryRawUnsafe(
    `SELECT ${BASE}${cols}, coalesce(r.sweepId, '') || json_remove(r.config, '$.seed') AS configKey, ${sortExpr} AS sortValue FROM Run r ${w.sql} ${order}`,
    ...w.args,
  )) as RawRow[];
  const grouped = groupReplicates(
    rows.map((r) => ({ ...toRow(r, q.columns, now), configKey: r.configKey as string })),
    q.columns,
  );
  const sortOf = (row: TableRow): unknown => {
    if (sort.field in FIXED) {
      const f = sort.field;
      return f === "runtime" ? row.runtime : f === "name" ? row.name : f === "state" ? row.state : f === "step" ? row.lastStep : f === "created" ? row.createdAt : row.id;
    }
    if (row.group?.stats[sort.field]) return row.group.stats[sort.field].mean;
    return row.values[sort.field];
  };
  // Configurations whose sort column is not shown are ordered by their first member (SQL order).
  if (q.columns.includes(sort.field) || sort.field in FIXED) grouped.sort((a, b) => compare(sortOf(a), sortOf(b), sort.desc));
  const offset = q.offset ?? 0;
  const limit = q.limit ?? grouped.length;
  return { rows: grouped.slice(offset, offset + limit), total: grouped.length, runs: rows.length };
}

export interface TableColumnInfo {
  /** Config keys present, and those whose values differ between runs. */
  config: string[];
  varying: string[];
  summary: string[];
}

/** Which columns exist for the runs in view (from the most recent 2,000, so it stays cheap). */
export async function tableColumns(q: { sweepId?: string } = {}): Promise<TableColumnInfo> {
  const db = prisma();
  const scope = `SELECT config, summary FROM Run ${q.sweepId ? "WHERE sweepId = ?" : ""} ORDER BY createdAt DESC LIMIT 2000`;
  const args = q.sweepId ? [q.sweepId] : [];
  const [config, summary] = await Promise.all([
    db.$queryRawUnsafe(`SELECT j.key AS key, count(DISTINCT j.value) AS n FROM (${scope}) r, json_each(r.config) j GROUP BY j.key`, ...args) as Promise<RawRow[]>,
    db.$queryRawUnsafe(`SELECT DISTINCT j.key AS key FROM (${scope}) r, json_each(r.summary) j`, ...args) as Promise<RawRow[]>,
  ]);
  return {
    config: config.map((r) => r.key as string),
    varying: config.filter((r) => num(r.n) > 1).map((r) => r.key as string),
    summary: summary.map((r) => r.key as string).filter((k) => !k.startsWith("_")).sort(),
  };
}

/** The table as CSV, exactly as shown: the chosen columns; grouped rows with mean and ±95%. */
export function tableToCsvRows(rows: TableRow[], columns: string[], grouped: boolean): unknown[][] {
  const shown = columns.filter((c) => c !== "id" && c !== "name");
  const header: string[] = ["id", "name", ...(grouped ? ["runs"] : [])];
  for (const c of shown) {
    const bare = c.includes(".") ? c.slice(c.indexOf(".") + 1) : c;
    header.push(bare);
    if (grouped && rows.some((r) => r.group?.stats[c])) header.push(`${bare} ±95%`);
  }
  const withCi = new Set(shown.filter((c) => grouped && rows.some((r) => r.group?.stats[c])));
  const body = rows.map((r) => {
    const line: unknown[] = [r.id, r.name, ...(grouped ? [r.group?.count ?? 1] : [])];
    for (const c of shown) {
      if (c in FIXED) {
        const v =
          c === "state" ? (r.group ? Object.entries(r.group.states).map(([s, n]) => `${s}×${n}`).join(" ") : r.state)
          : c === "sweep" ? r.sweepId ?? ""
          : c === "created" ? r.createdAt
          : c === "runtime" ? (r.runtime === null ? "" : Math.round(r.runtime * 1000) / 1000)
          : c === "step" ? r.lastStep
          : "";
        line.push(v);
      } else line.push(r.values[c] ?? "");
      if (withCi.has(c)) line.push(r.group?.stats[c]?.ci95 ?? "");
    }
    return line;
  });
  return [header, ...body];
}
