import { stringify } from "csv-stringify/sync";
import { RUN_CONFIG_KEYS } from "../../engine/config";
import { listRuns, type ListRunsQuery } from "./query";
import type { RunRecord } from "./records";

// The run table as CSV: one row per run; columns id, name, sweep, state, created, runtime,
// every config key, every summary key (or exactly the columns asked for).

const FIXED_COLUMNS = ["id", "name", "sweep", "state", "created", "runtime"] as const;

function cell(run: RunRecord, column: string): unknown {
  switch (column) {
    case "id": return run.id;
    case "name": return run.name;
    case "sweep": return run.sweepId ?? "";
    case "state": return run.state;
    case "index": return run.index;
    case "created": return run.createdAt;
    case "started": return run.startedAt ?? "";
    case "finished": return run.finishedAt ?? "";
    case "step": return run.lastStep;
    case "runtime": return run.runtime === null ? "" : Math.round(run.runtime * 1000) / 1000;
  }
  const dot = column.indexOf(".");
  const source = column.slice(0, dot) as "config" | "summary" | "params";
  const value = run[source]?.[column.slice(dot + 1)];
  return value === undefined || value === null ? "" : value;
}

/** Spreadsheets run cells that start with = + - @ (or tab/CR) as formulas: neutralise text cells. */
export function neutralise(value: unknown): string | number | boolean {
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "boolean") return value;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function defaultColumns(runs: RunRecord[]): string[] {
  const configKeys = new Set<string>();
  const summaryKeys = new Set<string>();
  for (const run of runs) {
    for (const k of Object.keys(run.config)) configKeys.add(k);
    for (const k of Object.keys(run.summary)) if (!k.startsWith("_")) summaryKeys.add(k);
  }
  const known = RUN_CONFIG_KEYS.filter((k) => configKeys.has(k));
  const extra = [...configKeys].filter((k) => !(RUN_CONFIG_KEYS as string[]).includes(k)).sort();
  return [
    ...FIXED_COLUMNS,
    ...[...known, ...extra].map((k) => `config.${k}`),
    ...[...summaryKeys].sort().map((k) => `summary.${k}`),
  ];
}

/** Header names: the bare key, prefixed only where a config and a summary key collide. */
function headers(columns: string[]): string[] {
  const bare = columns.map((c) => (c.includes(".") ? c.slice(c.indexOf(".") + 1) : c));
  return bare.map((b, i) => (bare.indexOf(b) !== bare.lastIndexOf(b) ? columns[i] : b));
}

export function runsToCsv(runs: RunRecord[], columns = defaultColumns(runs)): string {
  const rows = runs.map((run) => columns.map((c) => neutralise(cell(run, c))));
  return stringify([headers(columns), ...rows], { cast: { boolean: (b) => String(b) } });
}

export async function exportRunsCsv(query: ListRunsQuery, columns?: string[]): Promise<string> {
  const { runs } = await listRuns({ ...query, limit: undefined, offset: undefined });
  return runsToCsv(runs, columns && columns.length > 0 ? columns : undefined);
}
