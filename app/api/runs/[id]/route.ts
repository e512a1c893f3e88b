import { handle, notFound } from "../../../_lib/api";
import { getRun, getSweep } from "../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = handle(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const run = await getRun(id);
  if (!run) return notFound("run", id);
  const sweep = run.sweepId ? await getSweep(run.sweepId) : null;
  return Response.json({ run, sweep: sweep && { id: sweep.id, name: sweep.name, metricName: sweep.metricName, metricGoal: sweep.metricGoal } });
});
