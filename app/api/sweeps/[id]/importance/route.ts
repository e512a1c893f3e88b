import { handle, notFound } from "../../../../_lib/api";
import { getSweep } from "../../../../../prisma/store";
import { loadImportance } from "../../../../sweeps/data";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/sweeps/:id/importance — correlation and random-forest permutation importance of each swept parameter for the sweep's metric. */
export const GET = handle(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const sweep = await getSweep(id);
  if (!sweep) return notFound("sweep", id);
  return Response.json(await loadImportance(sweep), { headers: { "cache-control": "no-store" } });
});
