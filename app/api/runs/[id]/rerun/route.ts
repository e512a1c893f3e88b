import { handle, jsonError, notFound } from "../../../../_lib/api";
import { rerunRun } from "../../../../../prisma/store/sweep-control";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** POST /api/runs/:id/rerun → 201 { id, run }: a new queued run with the same config and seed. 409 while the run is active. */
export const POST = handle(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const result = await rerunRun(id);
  if (!result.ok) return result.status === 404 ? notFound("run", id) : jsonError(result.status, result.error);
  return Response.json({ id: result.value.id, run: result.value }, { status: 201 });
});
