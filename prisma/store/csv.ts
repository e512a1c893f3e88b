import { stringify } from "csv-stringify/sync";
import * as z from "zod";
import { RUN_CONFIG_KEYS, runConfigShape, type RunConfig } from "../../engine/config";
import { appliedConfigKeys } from "../../engine/tasks";
import { listRuns, type ListRunsQuery } from "./query";
import type { RunRecord } from "./records";
import { firstNonfiniteKey, shownSummaryValue } from "../../sweeps/summary";
import { finiteOrName } from "./sql";

// Every CSV the app writes goes through toCsv: the sweep's runs (exportRunsCsv, one row per
// run), the runs table (runs-table.ts tableToCsvRows, what the table shows) and the sweep
// page's "export shown". Column names (one scheme for all of them):
//
//   id, name, sweep, state, rerun_of        the run (rerun_of: the run it repeats, if any)
//   created, started, finished              ISO-8601 times in UTC
//   runtime_s                               seconds from start to finish (or to now)
//   step                                    last step logged
//   tags                                    the run's tags, comma-separated (a tag holds no comma)
//   group                                   the run's group (W&B's group), if any
//   config.<key>                            the resolved config (config.learning_rate: the base rate);
//                                           empty where the key did not apply to the run's choices
//                                           (momentum of an adam run: engine/config.ts APPLIES_WHEN)
//                                           or to its task (delay of a charlm run)
//   params.<key>                            what the sweep chose
//   summary.<key>                           final / best metric values (summary.lr: the last logged
//                                           learning rate, after the schedule)
//   summary.train_time_s                    the engine's own clock (summary.runtime): seconds of training
//   derived.<name>                          curve-derived columns of the runs table
//   <column> ±95%                           on a configuration row: the 95% interval of the mean
//
// Non-finite numbers are written NaN, Infinity, -Infinity. Cells (headers too) that a
// spreadsheet would run as a formula — starting with = + - @, a tab or a line break — are
// prefixed with ', and line breaks inside a cell become spaces.

/** Summary keys whose unit belongs in the header. */
const SUMMARY_HEADERS: Record<string, string> = { runtime: "summary.train_time_s" };
const FIXED_HEADERS: Record<string, string> = { runtime: "runtime_s" };

/** The CSV header of a column (see the table above). */
export function csvHeader(field: string): string {
  if (field in FIXED_HEADERS) return FIXED_HEADERS[field];
  if (field.startsWith("summary.")) return SUMMARY_HEADERS[field.slice(8)] ?? field;
  return field;
}

const NUMBER_TEXT = /^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|Infinity|NaN)$/;

/** A cell a spreadsheet reads as data, never as a formula (OWASP's CSV-injection advice, plus line breaks). */
export function neutralise(value: unknown): string | number | boolean {
  if (typeof value === "number") return Number.isFinite(value) ? value : String(finiteOrName(value));
  if (typeof value === "boolean") return value;
  if (value === null || value === undefined) return "";
  const raw = typeof value === "string" ? value : JSON.stringify(value);
  // a number written as text ("-Infinity", "-0.5") is data
  if (NUMBER_TEXT.test(raw)) return raw;
  const text = raw.replace(/\r\n|[\r\n]/g, " ");
  return /^[\s]*[=+\-@]/.test(text) || /^[\t\r\n]/.test(raw) ? `'${text}` : text;
}

/** One CSV document: the header and every cell neutralised; booleans as true/false. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return csvLines([header, ...rows]);
}

/** CSV lines, every cell neutralised, numbers with every digit: a document, or a piece of one streamed a page at a time. */
export function csvLines(rows: readonly (readonly unknown[])[]): string {
  return stringify(rows.map((r) => r.map(neutralise)), { cast: { boolean: (b) => String(b) } });
}

const FIXED_COLUMNS = ["id", "name", "sweep", "state", "rerun_of", "created", "started", "finished", "runtime", "step", "tags", "group"] as const;

/** A tags cell: comma-separated, empty for none. */
export const tagsCell = (tags: readonly string[]): string => tags.join(",");

function cell(run: RunRecord, column: string): unknown {
  switch (column) {
    case "id": return run.id;
    case "name": return run.name;
    case "sweep": return run.sweepId;
    case "state": return run.state;
    case "rerun_of": return run.rerunOf;
    case "index": return run.index;
    case "created": return run.createdAt;
    case "started": return run.startedAt;
    case "finished": return run.finishedAt;
    case "step": return run.lastStep;
    case "tags": return tagsCell(run.tags);
    case "group": return run.runGroup;
    // whole milliseconds over 1000: written as stored, never rounded (a mean of runtimes is not: see tableToCsv)
    case "runtime": return run.runtime;
  }
  const dot = column.indexOf(".");
  const source = column.slice(0, dot) as "config" | "summary" | "params";
  const key = column.slice(dot + 1);
  if (source === "config" && notApplied(run).has(key)) return null;
  if (source === "summary") return shownSummaryValue(run.summary[key], run.summary[firstNonfiniteKey(key)]);
  return run[source]?.[key] ?? null;
}

const notAppliedCache = new WeakMap<RunRecord, Set<string>>();

/** The keys of an engine run that do not apply to it: under a choice it did not make, or not to its task (a program's config: none). */
function notApplied(run: RunRecord): Set<string> {
  let keys = notAppliedCache.get(run);
  if (!keys) {
    const config = RunConfigFields.safeParse(run.config);
    const applied = config.success ? appliedConfigKeys(config.data as RunConfig) : null;
    keys = new Set(applied ? RUN_CONFIG_KEYS.filter((k) => !applied.has(k)) : []);
    notAppliedCache.set(run, keys);
  }
  return keys;
}
const RunConfigFields = z.strictObject(runConfigShape);

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

export function runsToCsv(runs: RunRecord[], columns = defaultColumns(runs)): string {
  return toCsv(columns.map(csvHeader), runs.map((run) => columns.map((c) => cell(run, c))));
}

export async function exportRunsCsv(query: ListRunsQuery, columns?: string[]): Promise<string> {
  const { runs } = await listRuns({ ...query, limit: undefined, offset: undefined });
  return runsToCsv(runs, columns && columns.length > 0 ? columns : undefined);
}
