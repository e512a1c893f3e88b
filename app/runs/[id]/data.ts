import { SYSTEM_METRICS } from "../../../engine/system-metrics";
import { LOG_LINES } from "../../_lib/log-tail";
import { RUN_POINTS } from "../../_lib/run-series";
import { countLogs, getRun, listLogs, metricNames, readDiagnostics, readRunSeries, readSamples, readSeriesTails, type DiagnosticRecord, type HeldRows, type KeyedRecord, type LogRecord, type RunRecord, type SampleRecord, type SeriesPoint } from "../../../prisma/store";

// Everything the run page shows, in one read: the page's first render and the live endpoint
// (GET /api/runs/:id/live, polled while the run trains) both use it.

export interface RunLiveData {
  run: RunRecord;
  names: string[];
  series: Record<string, SeriesPoint[]>;
  /** Set when `series` are the points after this step, to append to what the page holds (a poll with `since`: app/_lib/run-series.ts). */
  seriesAfter?: number;
  samples: KeyedRecord<SampleRecord>[];
  /** Set when `samples` are those stored after this id, to add to what the page holds (a poll with `samples`: app/_lib/live-rows.ts). */
  samplesAfter?: number;
  /** The console: its last LOG_LINES lines; on a poll, the last LOG_LINES of those after `afterLog`. */
  logs: LogRecord[];
  /** Lines the run has logged in all, up to the newest of `logs` (or, none new, the poll's `afterLog`): counted with them, so the two agree. */
  logCount: number;
  diagnostics: KeyedRecord<DiagnosticRecord>[];
  /** As `samplesAfter`, for the diagnostics. */
  diagnosticsAfter?: number;
}

const SHOWN = ["train_loss", "val_loss", "val_acc", "grad_norm", "lr", "throughput", ...SYSTEM_METRICS];
/** The most metrics of a program's run drawn (a panel each, in name order). */
export const PROGRAM_PANELS_MAX = 60;

/** The series a live poll holds (app/_lib/run-series.ts): every one up to `step`; `count` of them, the last named `last`. */
export interface HeldSeries {
  step: number;
  count: number;
  last: string;
}

/** What a live poll holds: its last log line's id, its curves (`since`), its samples and diagnostics (a count and the largest id). */
export interface HeldLive {
  afterLog?: number;
  /** How many lines the poll holds the count of, up to `afterLog` (its `logCount`): the count then adds only the lines after it. */
  logCount?: number;
  points?: number;
  since?: HeldSeries;
  samples?: HeldRows;
  diagnostics?: HeldRows;
}

export async function loadRunLive(id: string, options: HeldLive = {}): Promise<RunLiveData | null> {
  const run = await getRun(id);
  if (!run) return null;
  const names = await metricNames(id);
  const shown = run.kind === "program" ? names.slice(0, PROGRAM_PANELS_MAX) : SHOWN.filter((n) => names.includes(n));
  const points = options.points ?? RUN_POINTS;
  // samples and diagnostics: those after what the poll holds while the run is live; whole once
  // it has ended (read as ended, all its rows are stored), as a fresh load shows them
  const live = LIVE_STATES.has(run.state);
  const [curves, samples, { logs, logCount }, diagnostics] = await Promise.all([
    readCurves(run, shown, points, options.since),
    readSamples(id, live ? options.samples : undefined),
    readLogs(id, options.afterLog, options.logCount),
    readDiagnostics(id, live ? options.diagnostics : undefined),
  ]);
  return { run, names, ...curves, samples: samples.rows, samplesAfter: samples.after, logs, logCount, diagnostics: diagnostics.rows, diagnosticsAfter: diagnostics.after };
}

const LIVE_STATES = new Set(["queued", "running"]);

/**
 * The console's last LOG_LINES lines (after the poll's last: the page keeps no more, mergeLogTail)
 * and the count of the run's lines up to the newest read, so that a line logged between two
 * queries is in both or in neither. A poll that holds the count up to `afterLog` gets it plus
 * the lines after: those read, when fewer than LOG_LINES came (no count query), else counted
 * from `afterLog` — not the whole console counted again every poll (10–19 ms at 200,000 lines).
 */
async function readLogs(id: string, afterLog: number | undefined, heldCount: number | undefined): Promise<Pick<RunLiveData, "logs" | "logCount">> {
  const logs = await listLogs(id, { afterId: afterLog, tail: true, limit: LOG_LINES });
  const newest = logs[logs.length - 1]?.id ?? afterLog ?? 0;
  if (heldCount !== undefined && afterLog !== undefined)
    return { logs, logCount: heldCount + (logs.length < LOG_LINES ? logs.length : await countLogs(id, { after: afterLog, upTo: newest })) };
  return { logs, logCount: newest === 0 ? 0 : await countLogs(id, { upTo: newest }) };
}

/**
 * The run's `shown` series: the points after `since.step` when the poll holds them up to there
 * (the same series, the run still live, a tail no longer than `points`), else whole, each
 * downsampled to about `points`. The run was read first: one read as ended has all its points
 * stored, and comes whole, as a fresh load shows it.
 */
async function readCurves(run: RunRecord, shown: string[], points: number, since: HeldSeries | undefined): Promise<Pick<RunLiveData, "series" | "seriesAfter">> {
  const holds = since && LIVE_STATES.has(run.state) && since.count === shown.length && since.last === shown[shown.length - 1];
  if (holds) {
    const { tails, overflow } = await readSeriesTails(new Map([[run.id, since.step]]), shown, points);
    if (overflow.length === 0) return { series: Object.fromEntries(shown.map((n) => [n, tails[run.id]?.[n] ?? []])), seriesAfter: since.step };
  }
  return { series: await readRunSeries(run.id, shown, points) };
}
