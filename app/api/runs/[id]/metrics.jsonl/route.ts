import { runFileName, runGet, streamedDownload } from "../../../../_lib/api";
import { metricHistoryJsonl } from "../../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/runs/:id/metrics.jsonl — every point the run logged, a JSON object per step:
 * {"_step": s, "_time": t, "<name>": v, ...} (prisma/store/metric-history.ts), streamed a page
 * at a time.
 */
export const GET = runGet((run) => streamedDownload(metricHistoryJsonl(run.id), "application/jsonl; charset=utf-8", runFileName(run, "-metrics.jsonl")));
