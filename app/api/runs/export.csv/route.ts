import { handle, parseViewQuery } from "../../../_lib/api";
import { exportRunsCsv, RunsQueryParams, toListRunsQuery } from "../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/runs/export.csv — the runs table as CSV; same filters as /api/runs, plus `columns`. */
export const GET = handle(async (req: Request) => {
  const query = await parseViewQuery(req, RunsQueryParams);
  if (!query.ok) return query.response;
  const csv = await exportRunsCsv(toListRunsQuery(query.data), query.data.columns);
  const name = query.data.sweep ? `sweeplab-sweep-${query.data.sweep}-runs.csv` : "sweeplab-runs.csv";
  return new Response(csv, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"` },
  });
});
