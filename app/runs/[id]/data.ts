import { SYSTEM_METRICS } from "../../../engine/system-metrics";
import { LOG_LINES } from "../../_lib/log-tail";
import { countLogs, getRun, listDiagnostics, listLogs, listSamples, metricNames, readRunSeries, type DiagnosticRecord, type LogRecord, type RunRecord, type SampleRecord, type SeriesPoint } from "../../../prisma/store";

// Everything the run page shows, in one read: the page's first render and the live endpoint
// (GET /api/runs/:id/live, polled while the run trains) both use it.

export interface RunLiveData {
  run: RunRecord;
  names: string[];
  series: Record<string, SeriesPoint[]>;
  samples: SampleRecord[];
  /** The console: the last LOG_LINES lines on a first read, then the lines after `afterLog`. */
  logs: LogRecord[];
  /** Lines the run has logged in all. */
  logCount: number;
  diagnostics: DiagnosticRecord[];
}

const SHOWN = ["train_loss", "val_loss", "val_acc", "grad_norm", "lr", "throughput", ...SYSTEM_METRICS];
/** The most metrics of a program's run drawn (a panel each, in name order). */
export const PROGRAM_PANELS_MAX = 60;

export async function loadRunLive(id: string, options: { afterLog?: number; points?: number } = {}): Promise<RunLiveData | null> {
  const run = await getRun(id);
  if (!run) return null;
  const names = await metricNames(id);
  const [series, samples, logs, logCount, diagnostics] = await Promise.all([
    readRunSeries(id, run.kind === "program" ? names.slice(0, PROGRAM_PANELS_MAX) : SHOWN.filter((n) => names.includes(n)), options.points ?? 1000),
    listSamples(id),
    options.afterLog ? listLogs(id, { afterId: options.afterLog, limit: 10 * LOG_LINES }) : listLogs(id, { tail: true, limit: LOG_LINES }),
    countLogs(id),
    listDiagnostics(id),
  ]);
  return { run, names, series, samples, logs, logCount, diagnostics };
}
