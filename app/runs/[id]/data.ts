import { getRun, listDiagnostics, listLogs, listSamples, metricNames, readRunSeries, type DiagnosticRecord, type LogRecord, type RunRecord, type SampleRecord, type SeriesPoint } from "../../../prisma/store";

// Everything the run page shows, in one read: the page's first render and the live endpoint
// (GET /api/runs/:id/live, polled while the run trains) both use it.

export interface RunLiveData {
  run: RunRecord;
  names: string[];
  series: Record<string, SeriesPoint[]>;
  samples: SampleRecord[];
  logs: LogRecord[];
  diagnostics: DiagnosticRecord[];
}

const SHOWN = ["train_loss", "val_loss", "val_acc", "grad_norm", "lr", "throughput"];

export async function loadRunLive(id: string, options: { afterLog?: number; points?: number } = {}): Promise<RunLiveData | null> {
  const run = await getRun(id);
  if (!run) return null;
  const names = await metricNames(id);
  const [series, samples, logs, diagnostics] = await Promise.all([
    readRunSeries(id, SHOWN.filter((n) => names.includes(n)), options.points ?? 1000),
    listSamples(id),
    listLogs(id, { afterId: options.afterLog ?? 0, limit: 2000 }),
    listDiagnostics(id),
  ]);
  return { run, names, series, samples, logs, diagnostics };
}
