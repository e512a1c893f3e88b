import { handle, notFound } from "../../../../_lib/api";
import { getSweep } from "../../../../../prisma/store";
import { loadProgress } from "../../../../sweeps/data";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/sweeps/:id/progress — run counts by state, best run, elapsed, the running runs' steps: the sweep page polls this. */
export const GET = handle(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const sweep = await getSweep(id);
  if (!sweep) return notFound("sweep", id);
  return Response.json(await loadProgress(sweep), { headers: { "cache-control": "no-store" } });
});
