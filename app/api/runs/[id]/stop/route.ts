import { handle, jsonError, notFound } from "../../../../_lib/api";
import { stopRun } from "../../../../../prisma/store/sweep-control";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** POST /api/runs/:id/stop → 200 { run }: a queued run is stopped at once, a running one at its next step. 409 if it has ended. */
export const POST = handle(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const result = await stopRun(id);
  if (!result.ok) return result.status === 404 ? notFound("run", id) : jsonError(result.status, result.error);
  return Response.json({ run: result.value });
});
