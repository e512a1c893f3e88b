import { runFileName, runGet, streamedDownload } from "../../../../_lib/api";
import { metricHistoryCsv } from "../../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/runs/:id/metrics.csv — every point the run logged, one row per step: step, time
 * (seconds since the start), a column per metric (prisma/store/metric-history.ts), streamed a
 * page at a time.
 */
export const GET = runGet((run) => streamedDownload(metricHistoryCsv(run.id), "text/csv; charset=utf-8", runFileName(run, "-metrics.csv")));
