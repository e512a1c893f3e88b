import { handle, notFound } from "../../../../_lib/api";
import { parseSweepView, shownRuns, sweepModel } from "../../../../_lib/sweep-view";
import { getSweep, listRuns, runsToCsv } from "../../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/sweeps/:id/runs.csv?brush=&sort= — the sweep page's "export shown": the runs its
 * table shows (those the brush keeps) in the table's order, computed as the page computes them
 * (app/_lib/sweep-view.ts). Columns as the sweep's CSV (/api/runs/export.csv, "export all").
 */
export const GET = handle(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const sweep = await getSweep(id);
  if (!sweep) return notFound("sweep", id);
  const view = parseSweepView(new URL(req.url).searchParams);
  const { runs } = await listRuns({ sweepId: sweep.id, sort: { field: "index", desc: false }, limit: 100_000 });
  const shown = shownRuns(runs, sweepModel(runs, sweep), view, sweep.metricGoal);
  return new Response(runsToCsv(shown), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="sweeplab-sweep-${sweep.id}-runs-shown.csv"` },
  });
});
