import { handle, notFound } from "../../../_lib/api";
import { deleteRoute, patchRoute } from "../../../_lib/housekeeping-api";
import { deleteRun, getRun, getSweep, RunMetaPatch, updateRunMeta } from "../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = handle(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const run = await getRun(id);
  if (!run) return notFound("run", id);
  const sweep = run.sweepId ? await getSweep(run.sweepId) : null;
  return Response.json({ run, sweep: sweep && { id: sweep.id, name: sweep.name, metricName: sweep.metricName, metricGoal: sweep.metricGoal } });
});

/** PATCH /api/runs/:id { name?, tags?, notes?, group?, archived? } → 200 { run }. */
export const PATCH = patchRoute("run", RunMetaPatch, updateRunMeta);

/** DELETE /api/runs/:id → 200 { deleted }: the run, its metrics, samples, logs, diagnostics and checkpoint files; a live run is stopped first. */
export const DELETE = deleteRoute("run", deleteRun);
