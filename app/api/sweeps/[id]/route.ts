import { handle, notFound } from "../../../_lib/api";
import { getSweep, sweepProgress } from "../../../../prisma/store";
import { expectedRuns } from "../../../sweeps/data";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/sweeps/:id — the sweep, its progress (counts by state, best run, elapsed) and the runs it will make. */
export const GET = handle(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const sweep = await getSweep(id);
  if (!sweep) return notFound("sweep", id);
  const progress = await sweepProgress(sweep);
  return Response.json({ sweep, progress, expected: expectedRuns(sweep) }, { headers: { "cache-control": "no-store" } });
});
